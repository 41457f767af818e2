import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_SUFFIX, deadLetterTopicName } from '@platform/contracts';
import type { EventProducer } from './event-producer';
import { topicFor, type KafkaSettings } from './kafka-settings';

/** A message of a dead-letter topic with what the consumer that gave up on it wrote in its headers. */
export interface DeadLetter {
  /** Logical name of the dead-letter topic, e.g. payments.events.dlq. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly sourceTopic: string;
  readonly consumerGroup: string;
  readonly reason: string;
  readonly failedAt: string;
  readonly eventId: string | null;
  readonly eventType: string | null;
}

export interface DeadLetterFilter {
  readonly consumerGroup?: string;
  readonly eventId?: string;
  /** Only letters dead-lettered at or after this instant. */
  readonly failedSince?: Date;
  /** Only letters at or after this offset of their partition. */
  readonly offsetFrom?: bigint;
}

/** What an operator is told, and what the audit log keeps, of each letter sent back. */
export interface RedriveRecord {
  readonly at: string;
  readonly operator: string;
  readonly from: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly to: string;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly consumerGroup: string;
  readonly reason: string;
  readonly dryRun: boolean;
}

const READ_IDLE_LIMIT_MS = 10_000;

/**
 * Reads a dead-letter topic from its start up to the end it has now (not waiting for more), under a
 * throwaway group: inspecting never moves anyone's offsets.
 */
export async function readDeadLetters(
  kafka: Kafka,
  settings: KafkaSettings,
  deadLetterTopic: string,
): Promise<DeadLetter[]> {
  if (!deadLetterTopic.endsWith(DEAD_LETTER_SUFFIX)) {
    throw new Error(`${deadLetterTopic} is not a dead-letter topic (*${DEAD_LETTER_SUFFIX})`);
  }
  const physical = topicFor(settings, deadLetterTopic);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(physical);
    ends = new Map(offsets.map((entry) => [entry.partition, BigInt(entry.high)]));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  if (remaining.size === 0) return [];

  const letters: DeadLetter[] = [];
  const consumer = kafka.consumer({
    groupId: topicFor(settings, `dlq-inspect-${randomBytes(4).toString('hex')}`),
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [physical], fromBeginning: true });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let idleTimer = setTimeout(finish, READ_IDLE_LIMIT_MS);
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(finish, READ_IDLE_LIMIT_MS);
        const end = ends.get(partition) ?? 0n;
        if (BigInt(message.offset) < end) letters.push(toDeadLetter(deadLetterTopic, partition, message));
        if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
        if (remaining.size === 0) finish();
        return Promise.resolve();
      },
    });
    await finished;
    clearTimeout(idleTimer);
  } finally {
    await consumer.disconnect();
  }
  return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

export function matchesFilter(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.consumerGroup !== undefined && letter.consumerGroup !== filter.consumerGroup) return false;
  if (filter.eventId !== undefined && letter.eventId !== filter.eventId) return false;
  if (filter.failedSince !== undefined && !(new Date(letter.failedAt) >= filter.failedSince)) return false;
  if (filter.offsetFrom !== undefined && BigInt(letter.offset) < filter.offsetFrom) return false;
  return true;
}

/**
 * Sends letters back to the topic they came from, with their key, value and original headers, one
 * send at a time in offset order. Every consumer group of that topic sees them again; consumers
 * record the event ids they applied, so only the one that failed applies it. Headers say who sent
 * it back from where; each letter yields a record for the audit log (also when `dryRun`).
 */
export async function redriveDeadLetters(
  producer: EventProducer,
  letters: readonly DeadLetter[],
  options: { readonly operator: string; readonly dryRun: boolean },
): Promise<RedriveRecord[]> {
  const records: RedriveRecord[] = [];
  for (const letter of letters) {
    const at = new Date().toISOString();
    if (!options.dryRun) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(letter.headers)) {
        if (!name.startsWith('dlq-')) headers[name] = value;
      }
      Object.assign(headers, {
        'redriven-at': at,
        'redriven-by': options.operator,
        'redriven-from': `${letter.topic}/${letter.partition}/${letter.offset}`,
      });
      await producer.send([{ topic: letter.sourceTopic, key: letter.key, value: letter.value, headers }]);
    }
    records.push({
      at,
      operator: options.operator,
      from: { topic: letter.topic, partition: letter.partition, offset: letter.offset },
      to: letter.sourceTopic,
      eventId: letter.eventId,
      eventType: letter.eventType,
      consumerGroup: letter.consumerGroup,
      reason: letter.reason,
      dryRun: options.dryRun,
    });
  }
  return records;
}

function toDeadLetter(topic: string, partition: number, message: KafkaMessage): DeadLetter {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  const value = message.value?.toString('utf8') ?? '';
  let eventId: string | null = null;
  let eventType: string | null = null;
  try {
    const parsed = JSON.parse(value) as { id?: unknown; type?: unknown };
    if (typeof parsed.id === 'string') eventId = parsed.id;
    if (typeof parsed.type === 'string') eventType = parsed.type;
  } catch {
    // A letter that is not JSON was dead-lettered for exactly that; it still can be shown.
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value,
    headers,
    sourceTopic: headers['dlq-source-topic'] ?? topic.slice(0, -DEAD_LETTER_SUFFIX.length),
    consumerGroup: headers['dlq-consumer-group'] ?? '',
    reason: headers['dlq-reason'] ?? '',
    failedAt: headers['dlq-failed-at'] ?? '',
    eventId,
    eventType,
  };
}

/** The dead-letter topic of a registry topic, for callers that name the source. */
export function deadLetterTopicOf(sourceTopic: string): string {
  return sourceTopic.endsWith(DEAD_LETTER_SUFFIX) ? sourceTopic : deadLetterTopicName(sourceTopic);
}
