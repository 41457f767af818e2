import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@platform/db';
import { KafkaConnection } from './kafka-connection';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';

/** Runs the outbox relay for the life of the service. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly relay: OutboxRelay;
  private readonly logger = new Logger('OutboxRelay');

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    connection: KafkaConnection,
    @Inject(PLATFORM_OPTIONS) options: PlatformOptions,
  ) {
    this.relay = new OutboxRelay(dataSource, connection.producer, {
      databaseUrl: options.env.DATABASE_URL,
      log: (level, message, extra) =>
        this.logger[level === 'info' ? 'log' : level](`${message} ${JSON.stringify(extra ?? {})}`),
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
