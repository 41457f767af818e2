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
