import type { Kafka } from 'kafkajs';
import type { TopicDefinition } from '@platform/contracts';
import { topicFor, type KafkaSettings } from './kafka-settings';

/** Creates the missing topics of the registry under the namespace (auto-create is off). */
export async function ensureTopics(
  kafka: Kafka,
  settings: KafkaSettings,
  topics: readonly TopicDefinition[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topicFor(settings, topic.name)));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic: topicFor(settings, topic.name),
        numPartitions: topic.partitions,
        replicationFactor: 1,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** A cheap round trip to the cluster for health checks; rejects after timeoutMs. */
export async function probeKafka(kafka: Kafka, timeoutMs: number): Promise<void> {
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await admin.connect();
        await admin.describeCluster();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
