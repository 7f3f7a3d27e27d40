import { Kafka, logLevel } from 'kafkajs';
import { readOffsetRanges, readPartitionRange } from '../../src/kafka/read-range';
import { stackAddresses, uniqueName } from '../support/stack-addresses';

describe('reading offset ranges from Kafka', () => {
  const kafka = new Kafka({ clientId: 'range-test', brokers: stackAddresses().kafkaBrokers, logLevel: logLevel.NOTHING });
  const topic = uniqueName('ranges');
  const admin = kafka.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (const partition of [0, 1]) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition, key: `p${partition}-${i}`, value: String(i) })) });
      }
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('reads exactly the given offsets of each partition, in offset order', async () => {
    const read = await readOffsetRanges(kafka, topic, [{ partition: 0, firstOffset: '2', lastOffset: '4' }, { partition: 1, firstOffset: '7', lastOffset: '9' }]);
    const keys = (p: number) => read.filter((r) => r.partition === p).map((r) => r.message.key!.toString());
    expect(keys(0)).toEqual(['p0-2', 'p0-3', 'p0-4']);
    expect(keys(1)).toEqual(['p1-7', 'p1-8', 'p1-9']);
    const one = await readPartitionRange(kafka, { topic, partition: 1, firstOffset: '0', lastOffset: '1' });
    expect(one.map((m) => m.offset)).toEqual(['0', '1']);
  }, 60_000);

  it('fails, naming what it read, when the offsets never come', async () => {
    await expect(readOffsetRanges(kafka, topic, [{ partition: 0, firstOffset: '8', lastOffset: '20' }], { timeoutMs: 4_000 }))
      .rejects.toThrow(`reading ${topic}/0 offsets 8..20 took over 4 s`);
  }, 60_000);
});
