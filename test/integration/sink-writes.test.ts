import { policies, type ClientOptions } from 'cassandra-driver';
import { BatchHandoff } from '../../src/sink/batch-handoff';
import { createSinkActivities } from '../../src/activities/sink/write-rows';
import { ROWS_NOT_HELD } from '../../src/contracts/sink';
import { createKafka } from '../../src/kafka/client';
import { readPartitionRange } from '../../src/kafka/read-range';
import { loadPipelineConfig } from '../../src/config/pipeline-config';
import { toUserRecord } from '../../src/record/user-record';
import { toBoundRow } from '../../src/cassandra/bound-row';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { stackAddresses, uniqueName } from '../support/stack-addresses';
import { scratchKeyspaceForFile } from '../support/scratch-keyspace';

describe('writeRows against Cassandra', () => {
  const { config, client } = scratchKeyspaceForFile('sink');

  it('routes token-aware, prepares the upsert, keeps at most `concurrency` writes in flight, and upserts by id', async () => {
    expect((client as unknown as { options: ClientOptions }).options.policies?.loadBalancing).toBeInstanceOf(policies.loadBalancing.TokenAwarePolicy);
    const now = new Date();
    const rows = generateUsers({ seed: 'sink', page: 1, results: 200 }).map((u, i) =>
      toBoundRow(toUserRecord(u, { slotTime: now, fetchedAt: now }), { partition: 0, offset: String(i), ingestedAt: now }, now.getTime() * 1000 + i),
    );

    // Count requests in flight by wrapping the real client's execute.
    const execute = client.execute.bind(client);
    let inFlight = 0;
    let maxInFlight = 0;
    let prepared = true;
    (client as unknown as { execute: typeof client.execute }).execute = (async (query: string, params?: unknown, options?: { prepare?: boolean }) => {
      prepared &&= options?.prepare === true;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await execute(query, params as never, options as never);
      } finally {
        inFlight--;
      }
    }) as typeof client.execute;

    const handoff = new BatchHandoff();
    const ref = { batchId: 'batch-t-p0-0-199', topic: 't', partition: 0, firstOffset: '0', lastOffset: '199' };
    handoff.put(ref.batchId, rows);
    const { writeRows } = createSinkActivities({ cassandra: client, settings: { ...config.cassandra, writeConcurrency: 4, writeBatch: { rows: 1, bytes: 0 } }, handoff, readRange: async () => [] });
    expect(await writeRows(ref)).toBe(200);
    expect(await writeRows(ref)).toBe(200); // the same batch again: an upsert, not 200 more rows
    expect(prepared).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    (client as unknown as { execute: typeof client.execute }).execute = execute;

    const count = await client.execute(`SELECT count(*) AS n FROM ${config.cassandra.keyspace}.${config.cassandra.table}`);
    expect(Number(count.first().get('n'))).toBe(200);
  });

  it('refuses a batch whose rows this process does not hold, and writes it by re-reading its offsets from Kafka', async () => {
    const kafka = createKafka(loadPipelineConfig({ KAFKA_BROKERS: stackAddresses().kafkaBrokers.join(',') }).kafka);
    const topic = uniqueName('reread');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const now = new Date();
    const records = generateUsers({ seed: 'reread', page: 1, results: 30 }).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [...records.map((r) => ({ key: r.id, value: JSON.stringify(r) })), { key: 'poison', value: 'not json' }] });
    await producer.disconnect();
    try {
      const activities = createSinkActivities({
        cassandra: client, settings: { ...config.cassandra, writeConcurrency: 8, writeBatch: { rows: 1, bytes: 0 } },
        handoff: new BatchHandoff(), readRange: (ref) => readPartitionRange(kafka, ref),
      });
      // Offsets 10..30: twenty valid records and the poison message, which the original consumer dead-lettered.
      const ref = { batchId: `batch-${topic}-p0-10-30`, topic, partition: 0, firstOffset: '10', lastOffset: '30' };
      await expect(activities.writeRows(ref)).rejects.toMatchObject({ type: ROWS_NOT_HELD, nonRetryable: true });
      expect(await activities.writeRowsFromKafka(ref)).toBe(20);
      const ids = (await client.execute(`SELECT id, kafka_offset FROM ${config.cassandra.keyspace}.${config.cassandra.table}`)).rows
        .filter((r) => records.slice(10).some((x) => x.id === r.get('id').toString()));
      expect(ids).toHaveLength(20);
      expect(ids.map((r) => Number(r.get('kafka_offset'))).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
