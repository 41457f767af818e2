/** Helpers for e2e tests: the platform that global-setup.js started, and control over its processes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as services from '../../deploy/local/services';

export type ServiceName = 'gateway' | 'payments' | 'risk' | 'ledger' | 'reporting';

export interface Platform {
  services: Record<ServiceName, string>;
  adminToken: string;
  analystToken: string;
  demoMerchant: { id: string; apiKey: string };
  kafka: { brokers: string[] };
  namespace: string;
  stateDir: string;
  logDir: string;
  ports: Record<ServiceName, number>;
}

const PLATFORM_FILE = path.resolve(__dirname, '..', '..', '.local', 'e2e', 'platform.json');
const POLL_MS = 100;

export function readPlatform(): Platform {
  if (!fs.existsSync(PLATFORM_FILE)) {
    throw new Error(`${PLATFORM_FILE} is missing: run e2e tests with \`jest --selectProjects e2e\``);
  }
  return JSON.parse(fs.readFileSync(PLATFORM_FILE, 'utf8')) as Platform;
}

/** Signals one service and resolves once its process is gone; SIGKILL simulates a crash. */
export async function killService(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const killed = await services.killService(name, signal, readPlatform().stateDir);
  if (!killed) throw new Error(`${name} was not running`);
}

/** Starts the service again with its original environment and resolves once /health answers 200. */
export async function restartService(name: ServiceName): Promise<void> {
  const { stateDir } = readPlatform();
  await services.stopService(name, stateDir);
  await services.startService(name, stateDir);
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}

/**
 * Polls `probe` every 100 ms until it returns a truthy value, which it resolves with. A probe that throws
 * (an expect() inside it, say) counts as not done yet. On timeout the error names what was awaited and
 * the last value or error seen.
 */
export async function waitFor<T>(
  description: string,
  limitMs: number,
  probe: () => T | Promise<T>,
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + limitMs;
  let last: unknown = undefined;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as Exclude<T, false | null | undefined>;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out after ${limitMs} ms waiting for ${description}; last seen: ${describe(last)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
