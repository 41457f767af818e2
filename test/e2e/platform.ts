/** Helpers for e2e tests: the platform that global-setup.js started, and control over its processes. */
import * as fs from 'node:fs';
import {
  request as httpRequest,
  type Agent,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import * as path from 'node:path';
import * as services from '../../deploy/local/services';

export type ServiceName = 'gateway' | 'payments' | 'risk' | 'ledger' | 'reporting';

export interface Platform {
  services: Record<ServiceName, string>;
  adminToken: string;
  analystToken: string;
  /** GET /metrics wants `Authorization: Bearer <metricsToken>`. */
  metricsToken: string;
  /** The only 127.0.0.1 ports webhooks may be sent to (WEBHOOK_ALLOWED_TARGETS); one per receiver. */
  webhookReceiverPorts: number[];
  demoMerchant: { id: string; apiKey: string };
  kafka: { brokers: string[] };
  namespace: string;
  stateDir: string;
  logDir: string;
  ports: Record<ServiceName, number>;
  databases: Record<ServiceName, string>;
}

const INSTANCE = process.env.E2E_INSTANCE ?? '';
const PLATFORM_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  '.local',
  INSTANCE === '' ? 'e2e' : `e2e-${INSTANCE}`,
  'platform.json',
);

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

export { waitFor } from '@platform/testing';

/**
 * The allow-listed receiver port of a test file; files run one at a time, and each closes its
 * receivers when done, so two files may use the same slot but one file never uses a slot twice.
 */
export function webhookReceiverPort(slot: number): number {
  const port = readPlatform().webhookReceiverPorts[slot];
  if (port === undefined) throw new Error(`no webhook receiver port in slot ${slot}`);
  return port;
}

export interface Reply<T> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

export interface RequestOptions {
  readonly method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** One HTTP call to a running service: a JSON body in, the parsed JSON (or the text) out. */
export async function request<T = unknown>(url: string, options: RequestOptions = {}): Promise<Reply<T>> {
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text === '' ? null : text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (metrics, CSV): the text is the body.
  }
  return { status: response.status, body: body as T, text, headers: response.headers };
}

/** A merchant of the test's own, onboarded with the admin token, and a caller bound to its key. */
export async function onboardMerchant(name: string): Promise<{
  id: string;
  key: string;
  call: <T = unknown>(path: string, options?: Omit<RequestOptions, 'token'>) => Promise<Reply<T>>;
}> {
  const platform = readPlatform();
  const created = await request<{ id: string; api_key: string }>(
    `${platform.services.gateway}/v1/merchants`,
    {
      method: 'POST',
      token: platform.adminToken,
      body: { name },
    },
  );
  if (created.status !== 201)
    throw new Error(`onboarding ${name} answered ${created.status}: ${created.text}`);
  const { id, api_key: key } = created.body;
  return {
    id,
    key,
    call: <T = unknown>(path: string, options: Omit<RequestOptions, 'token'> = {}) =>
      request<T>(`${platform.services.gateway}${path}`, { ...options, token: key }),
  };
}

export interface AddressedRequest {
  /** The loopback source address (the whole 127/8 reaches a server on 127.0.0.1). */
  readonly localAddress: string;
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: Buffer;
  /** A keep-alive agent; a new connection per request by default. */
  readonly agent?: Agent | false;
  readonly signal?: AbortSignal;
}

export interface AddressedReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * One request from a chosen source address, so that a test has failure counters of its own. It
 * rejects with the network error, which carries `reusedSocket` when it came on a kept-alive socket.
 */
export function requestFromAddress(url: string, options: AddressedRequest): Promise<AddressedReply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: {
          ...options.headers,
          ...(options.body === undefined ? {} : { 'content-length': String(options.body.length) }),
        },
        localAddress: options.localAddress,
        agent: options.agent ?? false,
        signal: options.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', (error) => reject(Object.assign(error, { reusedSocket: outgoing.reusedSocket })));
    outgoing.end(options.body);
  });
}

/** A loopback source address that no other test is likely to use. */
export function freshLoopbackAddress(): string {
  const octet = () => 2 + Math.floor(Math.random() * 250);
  return `127.${octet()}.${octet()}.${octet()}`;
}
