import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './wait-for';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

/** How much of a service's stdout and stderr is kept to explain a failure. */
const OUTPUT_TAIL_CHARS = 20_000;
/** How long a service may take to answer /health after it was spawned. */
const HEALTHY_LIMIT_MS = 60_000;
/** How long stop() lets a service shut down on SIGTERM before it is SIGKILLed. */
const STOP_GRACE_MS = 15_000;

export interface ServiceProcessOptions {
  /** Names the service in waits and errors: "payments", "ledger". */
  readonly name: string;
  /** The built entry point, e.g. apps/payments/dist/main.js. */
  readonly main: string;
  readonly port: number;
  /** Added to the test's own environment; PORT is set from port. */
  readonly env: Readonly<Record<string, string>>;
  /** How long stop() waits after SIGTERM before SIGKILL; STOP_GRACE_MS unless given. */
  readonly stopGraceMs?: number;
}

/**
 * A built service run as a child process, as in production: started and returned once it answers
 * /health on 127.0.0.1, with the tail of what it wrote kept so a failing test can say what the
 * service was doing.
 */
export class ServiceProcess {
  private outputTail = '';
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly stopGraceMs: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (chunk: Buffer) =>
      (this.outputTail = (this.outputTail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Spawns the service and waits until it is healthy; throws with its output if it exits first. */
  static async start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    // SERVICE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", as the local runner takes it.
    const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
    const child = spawn(process.execPath, [...nodeArgs, options.main], {
      env: { ...process.env, ...options.env, PORT: String(options.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(
      options.name,
      options.port,
      child,
      options.stopGraceMs ?? STOP_GRACE_MS,
    );
    const state = await waitFor(
      `${options.name} on port ${options.port} to answer /health`,
      HEALTHY_LIMIT_MS,
      async () => {
        if (service.hasExited) return 'exited';
        const response = await fetch(`${service.url}/health`).catch(() => undefined);
        if (response?.status !== 200) return false;
        // Up and answering, but a consumer still joining its group says "starting": wait for it.
        const body = (await response.json().catch(() => ({}))) as { status?: unknown };
        return body.status !== 'starting' && 'healthy';
      },
    ).catch(async (error: Error) => {
      await service.kill();
      throw new Error(`${error.message}\n${service.output}`);
    });
    if (state === 'exited') {
      throw new Error(`${options.name} exited ${child.exitCode ?? child.signalCode}: ${service.output}`);
    }
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The last OUTPUT_TAIL_CHARS characters the service wrote to stdout and stderr. */
  get output(): string {
    return this.outputTail;
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGTERM, then SIGKILL if the service is still shutting down after stopGraceMs. */
  async stop(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const stuck = setTimeout(() => this.child.kill('SIGKILL'), this.stopGraceMs);
    await this.exited;
    clearTimeout(stuck);
  }

  /** SIGKILL, as a crash would: no shutdown hooks run. */
  async kill(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** A built service on a scratch database of its own. */
export interface ServiceWithDatabase {
  readonly service: ServiceProcess;
  readonly database: ScratchDatabase;
  /** Stops the service, then drops its database. */
  stop(): Promise<void>;
}

/**
 * Creates a scratch database (named from `databasePrefix`), starts the service on it
 * (DATABASE_URL set) and answers once it is healthy; a service that does not start leaves no
 * database behind.
 */
export async function startServiceWithDatabase(
  options: ServiceProcessOptions & { readonly databasePrefix: string },
): Promise<ServiceWithDatabase> {
  const database = await createScratchDatabase(options.databasePrefix);
  const service = await ServiceProcess.start({
    ...options,
    env: { ...options.env, DATABASE_URL: database.url },
  }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return {
    service,
    database,
    stop: async () => {
      await service.stop();
      await database.drop();
    },
  };
}
