import type { Message, Producer, ProducerRecord } from 'kafkajs';
import { createProducer, PartialAcknowledgementError } from '../../src/kafka/client';
import { DLQ_HEADER } from '../../src/kafka/dead-letter';
import { readDeadLetters, replayDeadLetters } from '../../src/kafka/dead-letter-queue';
import { BatchHandoff } from '../../src/sink/batch-handoff';
import { startBatchConsumer, type RunningBatchConsumer } from '../../src/sink/consume-batches';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { versionedUsers } from '../support/versions';

/**
 * A producer of the pipeline's own whose sends can be made to leave out one message in the middle, as
 * a kafkajs send that skipped a partition's records on its retry does; the records really go to Kafka.
 */
function droppingProducer(pipeline: IsolatedPipeline) {
  const producer = createProducer(pipeline.kafka);
  const realSend = producer.send.bind(producer);
  const sends: number[] = [];
  const plan: ('drop-middle' | Promise<void> | 'pass')[] = [];
  const sendOverride: Producer['send'] = async (record: ProducerRecord) => {
    sends.push(record.messages.length);
    const step = plan.shift() ?? 'pass';
    if (step instanceof Promise) await step;
    const messages: Message[] = step === 'drop-middle' ? record.messages.filter((_, i) => i !== Math.floor(record.messages.length / 2)) : record.messages;
    return realSend({ ...record, messages });
  };
  producer.send = sendOverride;
  return { producer, sends, plan };
}

describe('dead letters: every letter acknowledged before any offset moves', () => {
  let pipeline: IsolatedPipeline;
  let consumer: RunningBatchConsumer | undefined;
  const poison = ['not json {', '{"schema_version":1}', '[]', 'null', '{"id":', 'true', '42'];

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '1', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await pipeline?.close();
  }, 120_000);

  it('a DLQ send that dropped a letter leaves the batch uncommitted, and the retry delivers every letter', async () => {
    const producer = createProducer(pipeline.kafka);
    await producer.connect();
    // Keyless poison as well as keyed: a dead letter keeps the key it came with, null included.
    await producer.send({ topic: pipeline.config.kafka.topic, acks: -1, messages: poison.map((value, i) => ({ key: i % 2 === 0 ? null : `poison-${i}`, value })) });
    await producer.disconnect();

    const dlq = droppingProducer(pipeline);
    let openGate!: () => void;
    dlq.plan.push('drop-middle', new Promise<void>((resolve) => (openGate = resolve)));
    consumer = await startBatchConsumer({ kafka: pipeline.kafka, temporal: pipeline.temporal, handoff: new BatchHandoff(), holderTaskQueue: `${pipeline.config.temporal.sinkTaskQueue}-unused`, config: pipeline.config, dlqProducer: dlq.producer });

    // The retry's send waits at the gate: the state the failed send left is what the test sees.
    await waitFor('the retry of the batch whose dead letters were not all acknowledged', async () => dlq.sends.length >= 2, 60_000, 100);
    expect(dlq.sends[0]).toBe(poison.length);
    expect(await pipeline.lag()).toBe(poison.length); // nothing committed past the lost letter
    expect(await pipeline.readTopic(pipeline.config.kafka.dlqTopic)).toHaveLength(poison.length - 1);

    openGate();
    await pipeline.waitForDrain(60_000);
    const onTopic = await pipeline.readTopic(pipeline.config.kafka.dlqTopic);
    const sourceOffsets = onTopic.map((m) => Number(m.headers[DLQ_HEADER.sourceOffset]));
    const timesDelivered = poison.map((_, offset) => sourceOffsets.filter((o) => o === offset).length);
    expect(timesDelivered.every((n) => n >= 1)).toBe(true);
    expect(timesDelivered.filter((n) => n === 1)).toHaveLength(1); // the dropped one went once, on the retry

    const { letters } = await readDeadLetters(pipeline.kafka, pipeline.config.kafka);
    expect(letters.map((l) => Number(l.headers[DLQ_HEADER.sourceOffset])).sort((a, b) => a - b)).toEqual(poison.map((_, i) => i));
    expect(letters.filter((l) => l.key === null)).toHaveLength(Math.ceil(poison.length / 2));
    await consumer.stop();
    consumer = undefined;
  });

  it('a replay whose send dropped a letter moves no replay offset, and the next replay delivers every letter', async () => {
    const revived = versionedUsers('dead-letters-acknowledged', 1)[0]!;
    const producer = createProducer(pipeline.kafka);
    await producer.connect();
    const origin = { [DLQ_HEADER.reason]: 'refused by an older release', [DLQ_HEADER.sourceTopic]: pipeline.config.kafka.topic, [DLQ_HEADER.sourcePartition]: '0', [DLQ_HEADER.sourceOffset]: '999' };
    await producer.send({ topic: pipeline.config.kafka.dlqTopic, acks: -1, messages: [{ key: null, value: JSON.stringify(revived), headers: origin }] });
    await producer.disconnect();
    const pending = (await readDeadLetters(pipeline.kafka, pipeline.config.kafka)).letters.length;
    expect(pending).toBe(poison.length + 1);

    // The re-append of the still-dead letters to the DLQ drops one.
    const dlq = droppingProducer(pipeline);
    dlq.plan.push('pass', 'drop-middle');
    await expect(replayDeadLetters(pipeline.kafka, pipeline.config.kafka, new Date(), dlq.producer)).rejects.toThrow(PartialAcknowledgementError);
    expect(dlq.sends).toEqual([1, poison.length]);
    expect((await readDeadLetters(pipeline.kafka, pipeline.config.kafka)).letters).toHaveLength(pending);

    // The replay to the data topic drops its only letter.
    const data = droppingProducer(pipeline);
    data.plan.push('drop-middle');
    const dataBefore = (await pipeline.readTopic(pipeline.config.kafka.topic)).length;
    await expect(replayDeadLetters(pipeline.kafka, pipeline.config.kafka, new Date(), data.producer)).rejects.toThrow(PartialAcknowledgementError);
    expect((await readDeadLetters(pipeline.kafka, pipeline.config.kafka)).letters).toHaveLength(pending);

    const report = await replayDeadLetters(pipeline.kafka, pipeline.config.kafka);
    expect({ replayed: report.replayed.length, stillDead: report.stillDead.length }).toEqual({ replayed: 1, stillDead: poison.length });
    const dataTopic = await pipeline.readTopic(pipeline.config.kafka.topic);
    expect(dataTopic.filter((m) => m.value === JSON.stringify(revived)).length).toBeGreaterThanOrEqual(1);
    expect(dataTopic.length).toBeGreaterThan(dataBefore);
    const { letters } = await readDeadLetters(pipeline.kafka, pipeline.config.kafka);
    expect(letters.map((l) => [Number(l.headers[DLQ_HEADER.sourceOffset]), l.replays]).sort((a, b) => a[0]! - b[0]!)).toEqual(poison.map((_, i) => [i, 1]));
  });
});
