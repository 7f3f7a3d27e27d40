import type { Admin } from 'kafkajs';

export interface PartitionLag {
  partition: number;
  endOffset: string;
  committedOffset: string | null;
  lag: number;
}

/** Lag of a consumer group per partition: end offset minus committed offset (the whole partition if none). */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committedByPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]) ?? []);
  return ends
    .map((end) => {
      const c = committedByPartition.get(end.partition);
      const from = c !== undefined && c !== '-1' ? BigInt(c) : BigInt(end.low);
      return { partition: end.partition, endOffset: end.high, committedOffset: c !== undefined && c !== '-1' ? c : null, lag: Number(BigInt(end.high) - from) };
    })
    .sort((a, b) => a.partition - b.partition);
}
