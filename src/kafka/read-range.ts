import type { Kafka, KafkaMessage } from 'kafkajs';

/**
 * Reads offsets [first, last] of one partition with a throwaway consumer group (nothing committed).
 * Used when a batch's rows are no longer held by the process that cut it.
 */
export async function readPartitionRange(kafka: Kafka, range: { topic: string; partition: number; firstOffset: string; lastOffset: string }, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const last = BigInt(range.lastOffset);
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `range-reader-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: range.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${range.topic}/${range.partition} offsets ${range.firstOffset}..${range.lastOffset} took over ${timeoutMs / 1000} s`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (partition !== range.partition) return;
            const offset = BigInt(message.offset);
            if (offset < BigInt(range.firstOffset) || offset > last) return;
            messages.push(message);
            if (offset === last) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
      consumer.seek({ topic: range.topic, partition: range.partition, offset: range.firstOffset });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
