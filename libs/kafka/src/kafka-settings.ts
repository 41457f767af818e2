import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { physicalTopicName } from '@platform/contracts';
import { applyRequestQueueIdleFix } from './request-queue-idle-fix';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Prefix of every topic and consumer group; '' for none. */
  readonly namespace: string;
}

export type KafkaLogSink = (
  level: 'error' | 'warn' | 'info' | 'debug',
  message: string,
  extra: object,
) => void;

/** The one place a kafkajs client is made: kafkajs is unmaintained, so it stays behind this module. */
export function createKafka(settings: KafkaSettings, log?: KafkaLogSink): Kafka {
  applyRequestQueueIdleFix();
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        const name = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info';
        if (log) log(name, `kafka: ${message}`, extra);
      },
  });
}

export function topicFor(settings: KafkaSettings, logicalName: string): string {
  return physicalTopicName(settings.namespace, logicalName);
}

export function groupFor(settings: KafkaSettings, groupName: string): string {
  return physicalTopicName(settings.namespace, groupName);
}
