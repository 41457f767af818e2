import { isTransientDatabaseError } from '@platform/db';

/** Where a periodic task reports a failed pass: a Nest Logger fits. */
export interface PeriodicTaskLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface PeriodicTaskOptions {
  /** Names the task in its log lines: "<name> postponed: …" and "<name> failed: …". */
  readonly name: string;
  readonly intervalMs: number;
  readonly logger: PeriodicTaskLogger;
  /** One pass. Its result is ignored; a pass that has something to say logs it itself. */
  readonly pass: () => Promise<unknown>;
}

/**
 * The timer of a job that runs a pass every intervalMs, and the pass it is running. A tick that
 * comes while a pass is still running is skipped, so passes never overlap. A pass that fails on a
 * transient database error (connection lost, deadlock) is logged as a warning, anything else as an
 * error; either way the next tick runs. stop() clears the timer and waits for the running pass,
 * so a service shuts down only once its jobs have let go of the database.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: PeriodicTaskOptions) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    // The service's server and consumers keep the process alive; a job's timer alone never does.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running !== null) return;
    const { name, logger, pass } = this.options;
    // Through a promise constructor: a pass that throws before its first await is caught too.
    this.running = new Promise<unknown>((resolve) => resolve(pass()))
      .then(() => undefined)
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (isTransientDatabaseError(error)) logger.warn(`${name} postponed: ${message}`);
        else logger.error(`${name} failed: ${message}`);
      })
      .finally(() => (this.running = null));
  }
}
