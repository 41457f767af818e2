import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import {
  OutboxWriter,
  PLATFORM_MIGRATIONS,
  createDataSource,
  ensureDatabaseExists,
  runMigrations,
} from '@platform/db';
import { EventConsumers } from './event-consumers';
import { HealthController } from './health.controller';
import { KafkaConnection } from './kafka-connection';
import { OutboxPruneService } from './outbox-prune.service';
import { OutboxRelayService } from './outbox-relay.service';
import { PLATFORM_OPTIONS, outboxRetentionHours, type PlatformOptions } from './platform-options';
import { REDACTED_LOG_PATHS } from './log-redaction';
import { RuntimeMetricsService } from './runtime-metrics.service';
import { TelemetryLifecycle } from './telemetry-lifecycle';

/**
 * What every service has: its database (created if missing, migrated under a lock), Kafka,
 * the outbox relay and pruner, idempotent consumers, logging, /health and /metrics.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: options.serviceName,
            level: options.env.LOG_LEVEL,
            redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
            autoLogging: { ignore: (request) => /^\/(health|metrics)/.test(request.url ?? '') },
            // One line per request costs as much as the request on the hot path: successes at
            // debug, refusals at warn, failures at error.
            customLogLevel: (_request, response, error) =>
              error !== undefined || response.statusCode >= 500
                ? 'error'
                : response.statusCode >= 400
                  ? 'warn'
                  : 'debug',
          },
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ type: 'postgres' as const }),
          dataSourceFactory: async () => {
            await ensureDatabaseExists(options.env.DATABASE_URL).catch(() => undefined);
            const dataSource = createDataSource({
              url: options.env.DATABASE_URL,
              poolSize: options.env.DATABASE_POOL_SIZE,
              applicationName: options.serviceName,
              entities: options.entities,
              migrations: [
                ...PLATFORM_MIGRATIONS,
                ...(options.migrations as unknown[] as typeof PLATFORM_MIGRATIONS),
              ],
            });
            await dataSource.initialize();
            await runMigrations(dataSource);
            return dataSource;
          },
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_OPTIONS, useValue: options },
        KafkaConnection,
        OutboxWriter,
        OutboxRelayService,
        ...(outboxRetentionHours(options) === null ? [] : [OutboxPruneService]),
        EventConsumers,
        TelemetryLifecycle,
        RuntimeMetricsService,
      ],
      exports: [PLATFORM_OPTIONS, KafkaConnection, EventConsumers, OutboxWriter],
    };
  }
}
