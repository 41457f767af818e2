/**
 * The one registry of Kafka topics. Apps never spell a topic name: they use these entries.
 * Names are logical; a deployment may prefix them with a namespace (see physicalTopicName).
 */
export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  /** What the message key holds: everything with one key stays on one partition, in order. */
  readonly keyedBy: string;
}

export const TOPICS = Object.freeze({
  paymentsCommands: {
    name: 'payments.commands',
    partitions: 3,
    keyedBy: 'payment id (merchant id for payouts)',
  },
  paymentsEvents: { name: 'payments.events', partitions: 3, keyedBy: 'payment id (merchant id for payouts)' },
  riskEvents: { name: 'risk.events', partitions: 3, keyedBy: 'payment id' },
  ledgerEvents: { name: 'ledger.events', partitions: 3, keyedBy: 'payment id (merchant id for payouts)' },
  ledgerCommands: { name: 'ledger.commands', partitions: 1, keyedBy: 'requester' },
  merchantsEvents: { name: 'merchants.events', partitions: 3, keyedBy: 'merchant id' },
  /** Control totals: what payments captured, refunded and paid out, for the ledger to check. */
  paymentsControl: { name: 'payments.control', partitions: 1, keyedBy: 'merchant id' },
} as const satisfies Record<string, TopicDefinition>);

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey]['name'];

export const DEAD_LETTER_SUFFIX = '.dlq';

export function deadLetterTopicName(topicName: string): string {
  return `${topicName}${DEAD_LETTER_SUFFIX}`;
}

/** Every topic the platform needs, dead-letter topics included, with partition counts. */
export function allTopicDefinitions(): TopicDefinition[] {
  const topics: TopicDefinition[] = Object.values(TOPICS);
  return topics.flatMap((topic) => [
    topic,
    { name: deadLetterTopicName(topic.name), partitions: 1, keyedBy: topic.keyedBy },
  ]);
}

/** A namespace lets several platforms (a dev run and a test run) share one broker. */
export function physicalTopicName(namespace: string, logicalName: string): string {
  return namespace === '' ? logicalName : `${namespace}.${logicalName}`;
}
