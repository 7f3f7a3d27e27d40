import { setTimeout as sleep } from 'node:timers/promises';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { createProducer } from '../../src/kafka/client';
import { toUserRecord } from '../../src/record/user-record';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';

/**
 * The batch size follows the lag on the real stack: a backlog is written in batches near
 * BATCH_MAX_RECORDS (few workflows), and once the consumer has caught up a trickle goes out in batches
 * of at most BATCH_MIN_RECORDS (fresh rows).
 */
describe('sink batch size against the consumer lag', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '1', BATCH_MIN_RECORDS: '40', BATCH_MAX_RECORDS: '600', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  async function produce(page: number, count: number): Promise<void> {
    const now = new Date();
    const records = generateUsers({ seed: 'batch-size', page, results: count }).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const producer = createProducer(pipeline.kafka);
    await producer.connect();
    for (let i = 0; i < records.length; i += 500) {
      await producer.send({ topic: pipeline.config.kafka.topic, acks: -1, messages: records.slice(i, i + 500).map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    }
    await producer.disconnect();
  }

  it('cuts a backlog into large batches, then a caught-up trickle into small ones', async () => {
    await produce(1, 3000);
    const { counters } = await pipeline.startSink();
    await waitFor('the backlog to be written', async () => counters.rowsWritten >= 3000, 90_000, 100);
    // 3000 records behind, three batches in flight: batches of 600 (the cap), not 40.
    const backlogBatches = counters.batchSize.count;
    const largest = counters.batchSize.bounds.find((_, i) => counters.batchSize.counts[i] === backlogBatches);
    expect(backlogBatches).toBeLessThanOrEqual(8);
    expect(largest).toBeGreaterThanOrEqual(1000); // the smallest bucket holding them all is above 500 rows
    expect(counters.batchSize.counts[counters.batchSize.bounds.indexOf(500)]).toBeLessThan(backlogBatches);

    // Caught up: single records arrive one by one, each batch is what arrived, the target is the floor.
    for (let i = 0; i < 5; i++) {
      await produce(100 + i, 1);
      await sleep(300);
    }
    await waitFor('the trickle to be written', async () => counters.rowsWritten >= 3005, 30_000, 100);
    await pipeline.waitForDrain();
    expect(counters.batchTarget).toBe(40);
    const trickleBatches = counters.batchSize.count - backlogBatches;
    expect(trickleBatches).toBeGreaterThanOrEqual(1);
    // Every batch after the backlog fits the floor: the count at or under 50 rows grew by all of them.
    expect(counters.batchSize.counts[counters.batchSize.bounds.indexOf(50)]).toBe(trickleBatches);
  }, 180_000);
});
