import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { rearmOutboxEvents } from '@platform/db';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { metricsRegistry } from '@platform/telemetry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { CommandOutcomesRepository } from './command-outcomes.repository';

const REDELIVERY_INTERVAL_MS = 5_000;
const REDELIVERY_BATCH_SIZE = 500;

const commandsRedeliveredTotal = new Counter({
  name: 'gateway_commands_redelivered_total',
  help: 'Commands sent again because the payments service had not answered them',
  registers: [metricsRegistry],
});

/**
 * A command the payments service never answered (lost to a dead-letter topic, a bug, an outage
 * that outlived a retry budget) would leave its payment `processing` for good. This job sends such
 * commands again from the outbox, with the same event id so payments applies each at most once,
 * after COMMAND_REDELIVERY_AFTER_SECONDS and then with doubling pauses, until an answer comes.
 */
@Injectable()
export class CommandRedelivery extends PeriodicJob {
  private readonly logger = new Logger('CommandRedelivery');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly outcomes: CommandOutcomesRepository,
  ) {
    super();
  }

  /** One pass; answers the ids of the commands sent again. */
  async redeliverOnce(): Promise<string[]> {
    const rearmed = await this.dataSource.transaction(async (manager) => {
      const due = await this.outcomes.claimForRedelivery(
        manager,
        this.config.COMMAND_REDELIVERY_AFTER_SECONDS,
        this.config.COMMAND_REDELIVERY_INTERVAL_SECONDS_MAX,
        REDELIVERY_BATCH_SIZE,
      );
      return rearmOutboxEvents(manager, due);
    });
    if (rearmed.length > 0) {
      commandsRedeliveredTotal.inc(rearmed.length);
      this.logger.warn(
        `sent ${rearmed.length} unanswered commands again: ${rearmed.slice(0, 10).join(', ')}`,
      );
    }
    return rearmed;
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'command redelivery',
      intervalMs: REDELIVERY_INTERVAL_MS,
      logger: this.logger,
    };
  }

  protected runPass(): Promise<unknown> {
    return this.redeliverOnce();
  }
}
