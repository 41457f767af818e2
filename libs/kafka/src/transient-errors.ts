/** kafkajs errors of a broker that is away (restarting, electing, unreachable), not of a bad request. */
const TRANSIENT_KAFKA_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
]);

/** True when the broker, not the message, failed: such errors are waited out. */
export function isTransientKafkaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, retriable } = error as { name?: unknown; retriable?: unknown };
  if (typeof name !== 'string' || !name.startsWith('KafkaJS')) return false;
  return TRANSIENT_KAFKA_ERRORS.has(name) || retriable === true;
}
