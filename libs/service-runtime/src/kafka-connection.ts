import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { EventProducer, createKafka, type KafkaSettings } from '@platform/kafka';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';

/** The service's Kafka client, its one producer, and an admin connection for health checks. */
@Injectable()
export class KafkaConnection implements OnModuleInit, OnApplicationShutdown {
  readonly settings: KafkaSettings;
  readonly kafka: Kafka;
  readonly producer: EventProducer;
  private admin: Admin | null = null;
  private readonly logger = new Logger('Kafka');

  constructor(@Inject(PLATFORM_OPTIONS) options: PlatformOptions) {
    this.settings = {
      brokers: options.env.KAFKA_BROKERS,
      clientId: `${options.serviceName}-${options.env.SERVICE_INSTANCE_ID ?? process.pid}`,
      namespace: options.env.KAFKA_NAMESPACE,
    };
    this.kafka = createKafka(this.settings, (level, message, extra) => {
      const line = `${message} ${JSON.stringify(extra)}`;
      if (level === 'error') this.logger.error(line);
      else if (level === 'warn') this.logger.warn(line);
      else this.logger.log(line);
    });
    this.producer = new EventProducer(this.kafka, this.settings);
  }

  /**
   * Connects in the background: a service that starts while the broker is away still boots and
   * answers /health (503 naming Kafka); the relay's sends connect when the broker is back.
   */
  onModuleInit(): void {
    this.producer.connect().catch((error: unknown) => {
      this.logger.warn(`producer not connected yet: ${(error as Error).message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** Asks the cluster to describe itself, within timeoutMs. */
  async probe(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.describe(), timeout]);
    } catch (error) {
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = null;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async describe(): Promise<void> {
    if (this.admin === null) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    await this.admin.describeCluster();
  }
}
