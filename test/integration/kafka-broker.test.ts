import { Kafka, logLevel } from 'kafkajs';
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
});
