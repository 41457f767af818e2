import { Injectable, Logger } from '@nestjs/common';
import { deleteInBatches } from '@platform/db';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { CommandOutcomesRepository } from './command-outcomes.repository';

/** A request waits seconds for its command's outcome; a day leaves room to look into one. */
export const COMMAND_OUTCOME_RETENTION_HOURS = 24;
const SWEEP_INTERVAL_MS = 10 * 60_000;
const SWEEP_BATCH_SIZE = 5_000;
const SWEEP_BATCHES_MAX = 20;

/** Keeps command_outcomes to about a day of commands instead of every command ever sent. */
@Injectable()
export class CommandOutcomesSweeper extends PeriodicJob {
  private readonly logger = new Logger('CommandOutcomesSweeper');

  constructor(private readonly outcomes: CommandOutcomesRepository) {
    super();
  }

  /** One sweep: batches until one comes back short or the batch limit is reached. */
  async sweepOnce(retentionHours: number = COMMAND_OUTCOME_RETENTION_HOURS): Promise<number> {
    const deleted = await deleteInBatches(
      (batchSize) => this.outcomes.deleteOlderThan(retentionHours, batchSize),
      SWEEP_BATCH_SIZE,
      SWEEP_BATCHES_MAX,
    );
    if (deleted > 0) this.logger.log(`deleted ${deleted} command outcomes`);
    return deleted;
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'command outcome sweep',
      intervalMs: SWEEP_INTERVAL_MS,
      logger: this.logger,
    };
  }

  protected runPass(): Promise<unknown> {
    return this.sweepOnce();
  }
}
