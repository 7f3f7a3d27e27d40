import type { Kafka, KafkaMessage } from 'kafkajs';

export interface OffsetRange {
  partition: number;
  /** Inclusive, as decimal strings (offsets can pass 2^53). */
  firstOffset: string;
  lastOffset: string;
}

export interface RangeReadOptions {
  /** The throwaway consumer group's id (nothing is committed); one of its own by default. */
  groupId?: string;
  /** The read fails past this, naming what it was reading, rather than wait for offsets that never come. */
  timeoutMs?: number;
  maxWaitTimeInMs?: number;
}

/**
 * Reads offsets [first, last] of each given partition of one topic with a throwaway consumer group
 * (nothing committed); each partition's messages in offset order.
 */
export async function readOffsetRanges(kafka: Kafka, topic: string, ranges: readonly OffsetRange[], options: RangeReadOptions = {}): Promise<{ partition: number; message: KafkaMessage }[]> {
  const read: { partition: number; message: KafkaMessage }[] = [];
  if (ranges.length === 0) return read;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const bounds = new Map(ranges.map((r) => [r.partition, { first: BigInt(r.firstOffset), last: BigInt(r.lastOffset) }]));
  const groupId = options.groupId ?? `range-reader-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: options.maxWaitTimeInMs ?? 100 });
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const described = ranges.map((r) => `${topic}/${r.partition} offsets ${r.firstOffset}..${r.lastOffset}`).join(', ');
      timer = setTimeout(() => reject(new Error(`reading ${described} took over ${timeoutMs / 1000} s`)), timeoutMs);
      const unfinished = new Set(bounds.keys());
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const bound = bounds.get(partition);
            if (bound === undefined || !unfinished.has(partition)) return;
            const offset = BigInt(message.offset);
            if (offset < bound.first) return;
            if (offset <= bound.last) read.push({ partition, message });
            if (offset >= bound.last) {
              unfinished.delete(partition);
              if (unfinished.size === 0) resolve();
            }
          },
        })
        .catch(reject);
      for (const r of ranges) consumer.seek({ topic, partition: r.partition, offset: r.firstOffset });
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return read;
}

/** Reads offsets [first, last] of one partition. Used when a batch's rows are no longer held by the process that cut it. */
export async function readPartitionRange(kafka: Kafka, range: { topic: string } & OffsetRange, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const read = await readOffsetRanges(kafka, range.topic, [range], { timeoutMs });
  return read.map((r) => r.message);
}
