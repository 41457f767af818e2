import type { Admin } from 'kafkajs';

/**
 * How many messages of a topic a consumer group has not committed yet: the sum over its partitions
 * of (end offset − committed offset). A partition without a commit counts from its first offset
 * still held. Names are physical (see topicFor, groupFor).
 */
export async function consumerGroupLag(admin: Admin, topic: string, groupId: string): Promise<bigint> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedOf = new Map(
    (committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((p) => [
      p.partition,
      BigInt(p.offset),
    ]),
  );
  let lag = 0n;
  for (const end of ends) {
    const at = committedOf.get(end.partition) ?? -1n;
    const from = at < 0n ? BigInt(end.low) : at;
    const behind = BigInt(end.high) - from;
    if (behind > 0n) lag += behind;
  }
  return lag;
}
