import { Kafka, logLevel } from 'kafkajs';
import { createProducer, partitionOfKey, sendAcknowledged } from '../../src/kafka/client';
import { stackAddresses, uniqueName } from '../support/stack-addresses';

describe('Kafka broker of the local stack', () => {
  it('round-trips keyed messages through a fresh topic with an idempotent producer', async () => {
    const kafka = new Kafka({ clientId: 'stack-test', brokers: stackAddresses().kafkaBrokers, logLevel: logLevel.NOTHING });
    const topic = uniqueName('roundtrip');
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ groupId: uniqueName('roundtrip-group') });
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      await producer.connect();
      const sent = Array.from({ length: 30 }, (_, i) => ({ key: `user-${i}`, value: JSON.stringify({ n: i }) }));
      await producer.send({ topic, acks: -1, messages: sent });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Map<string, string>();
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            received.set(message.key!.toString(), message.value!.toString());
            if (received.size === sent.length) resolve();
          },
        });
      });
      expect(new Map(sent.map((m) => [m.key, m.value]))).toEqual(received);
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]!.partitions).toHaveLength(3);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('the pipeline\'s producer puts each key where partitionOfKey says, and its acknowledged send checks every partition', async () => {
    const kafka = new Kafka({ clientId: 'stack-test', brokers: stackAddresses().kafkaBrokers, logLevel: logLevel.NOTHING });
    const topic = uniqueName('partitions');
    const admin = kafka.admin();
    const producer = createProducer(kafka);
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
      await producer.connect();
      const keys = Array.from({ length: 60 }, (_, i) => `user-${i}`);
      const metadata = await sendAcknowledged(producer, { topic, acks: -1, messages: keys.map((key) => ({ key, value: key })) });
      expect(new Set(metadata.map((m) => m.partition))).toEqual(new Set(keys.map((k) => partitionOfKey(topic, k, 6))));
      // Where the broker holds each key: read back partition by partition.
      const offsets = await admin.fetchTopicOffsets(topic);
      const wherePut = new Map<string, number>();
      const consumer = kafka.consumer({ groupId: uniqueName('partitions-group') });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({ eachMessage: async ({ partition, message }) => {
          wherePut.set(message.key!.toString(), partition);
          if (wherePut.size === keys.length) resolve();
        } });
      });
      await consumer.disconnect();
      for (const key of keys) expect({ key, partition: wherePut.get(key) }).toEqual({ key, partition: partitionOfKey(topic, key, 6) });
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(keys.length);
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
  it('the acknowledged send goes in parts past Kafka\'s limit on a record batch, and halves a part a topic with a lower limit refuses', async () => {
    const kafka = new Kafka({ clientId: 'stack-test', brokers: stackAddresses().kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = createProducer(kafka);
    const big = uniqueName('parts');
    // 100 000 bytes a record batch: a part of 300 kB is refused, so are its halves; quarters go.
    const small = uniqueName('parts-small');
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: big, numPartitions: 1 }, { topic: small, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '100000' }] }], waitForLeaders: true });
      await producer.connect();
      const values = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}-${i} ${'x'.repeat(1000)}`);
      // 2 600 kB under one key: one partition, so one record batch unless the send goes in parts.
      const sent = { [big]: values(2600, 'big'), [small]: values(300, 'small') };
      for (const topic of [big, small]) {
        const metadata = await sendAcknowledged(producer, { topic, acks: -1, messages: sent[topic]!.map((value) => ({ key: 'one-key', value })) });
        expect(metadata.every((m) => m.errorCode === 0)).toBe(true);
        const [offsets] = await admin.fetchTopicOffsets(topic);
        expect({ topic, stored: Number(offsets!.high) }).toEqual({ topic, stored: sent[topic]!.length });
      }
      const readBack: string[] = [];
      const consumer = kafka.consumer({ groupId: uniqueName('parts-group') });
      await consumer.connect();
      await consumer.subscribe({ topic: small, fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => {
          readBack.push(message.value!.toString());
          if (readBack.length === sent[small]!.length) resolve();
        } });
      });
      await consumer.disconnect();
      expect(readBack).toEqual(sent[small]); // once each, in order
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [big, small] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
