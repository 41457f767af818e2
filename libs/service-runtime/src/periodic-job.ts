import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask, type PeriodicTaskLogger } from './periodic-task';

/** When and how a job runs; enabled false (configured off) never starts it. */
export interface PeriodicJobSchedule {
  /** Names the job in its log lines. */
  readonly name: string;
  readonly intervalMs: number;
  readonly logger: PeriodicTaskLogger;
  readonly enabled?: boolean;
}

/**
 * The wiring of every periodic job, written once: a provider that extends it says when it runs
 * (schedule) and what one pass does (runPass). The task starts when the application has booted
 * and stops before it shuts down, waiting for a running pass, so the database is let go of first.
 * Passes never overlap and a failed one is logged (see PeriodicTask).
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task: PeriodicTask | null = null;

  protected abstract schedule(): PeriodicJobSchedule;

  /** One pass. Its result is ignored; a pass that has something to say logs it itself. */
  protected abstract runPass(): Promise<unknown>;

  onApplicationBootstrap(): void {
    const { enabled = true, ...options } = this.schedule();
    if (!enabled) return;
    this.task ??= new PeriodicTask({ ...options, pass: () => this.runPass() });
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
