import type { Client } from 'cassandra-driver';
import type { KafkaMessage } from 'kafkajs';
import { BatchHandoff } from '../../src/sink/batch-handoff';
import { createSinkActivities } from '../../src/activities/sink/write-rows';
import { BATCH_NOT_ON_KAFKA } from '../../src/contracts/sink';
import type { PipelineConfig } from '../../src/config/pipeline-config';
import { toUserRecord } from '../../src/record/user-record';
import { cutBatch } from '../../src/sink/cut-batch';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { openScratchKeyspace } from '../support/scratch-keyspace';

const T0 = Date.now();
const now = new Date(T0);
const records = generateUsers({ seed: 'write-settings', page: 1, results: 20 }).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));

function messages(version: number, fromOffset = 0, timestampMs = T0): KafkaMessage[] {
  return records.map((r, i) => ({
    offset: String(fromOffset + i), timestamp: String(timestampMs), key: Buffer.from(r.id), attributes: 0, headers: {},
    value: Buffer.from(JSON.stringify({ ...r, full_name: `${r.full_name} v${version}` })),
  }) as KafkaMessage);
}

async function withSink(env: Record<string, string>, body: (ctx: { config: PipelineConfig; client: Client; activities: ReturnType<typeof createSinkActivities>; handoff: BatchHandoff; read: KafkaMessage[] }) => Promise<void>) {
  const { config, client, drop } = await openScratchKeyspace('settings', env);
  try {
    const handoff = new BatchHandoff();
    const read: KafkaMessage[] = [];
    const activities = createSinkActivities({
      cassandra: client, settings: { ...config.cassandra, writeConcurrency: 8 }, handoff, readRange: async () => read,
    });
    await body({ config, client, activities, handoff, read });
  } finally {
    await drop();
  }
}

describe('sink writes: write time, TTL and consistency level', () => {
  it('an older version written after a newer one does not replace it: the write time decides, not arrival', async () => {
    await withSink({}, async ({ config, client, activities, handoff }) => {
      const older = cutBatch(messages(1, 0), 0, 0, now);
      const newer = cutBatch(messages(2, 20), 0, older.writeTimeAfter, now);
      handoff.put('newer', newer.rows);
      handoff.put('older', older.rows);
      const ref = (batchId: string) => ({ batchId, topic: 't', partition: 0, firstOffset: '0', lastOffset: '0' });
      await activities.writeRows(ref('newer'));
      await activities.writeRows(ref('older')); // e.g. a retry of the older batch arriving late
      const rows = (await client.execute(`SELECT full_name, kafka_offset, WRITETIME(full_name) AS wt FROM ${config.cassandra.keyspace}.${config.cassandra.table}`)).rows;
      expect(rows).toHaveLength(20);
      for (const row of rows) {
        expect(row.get('full_name')).toMatch(/ v2$/);
        expect(Number(row.get('kafka_offset'))).toBeGreaterThanOrEqual(20);
        // WRITETIME is the version's own write time, derived from its Kafka timestamp (µs).
        expect(Number(row.get('wt'))).toBeGreaterThanOrEqual(T0 * 1000);
        expect(Number(row.get('wt'))).toBeLessThan((T0 + 1) * 1000);
      }
    });
  });

  it('CASSANDRA_TTL reaches every written cell', async () => {
    await withSink({ CASSANDRA_TTL: '3600' }, async ({ config, client, activities, handoff }) => {
      handoff.put('b', cutBatch(messages(1), 0, 0, now).rows);
      expect(await activities.writeRows({ batchId: 'b', topic: 't', partition: 0, firstOffset: '0', lastOffset: '19' })).toBe(20);
      const rows = (await client.execute(`SELECT TTL(full_name) AS ttl, TTL(email) AS ttl_email FROM ${config.cassandra.keyspace}.${config.cassandra.table}`)).rows;
      expect(rows).toHaveLength(20);
      for (const row of rows) {
        expect(row.get('ttl')).toBeGreaterThan(3500);
        expect(row.get('ttl')).toBeLessThanOrEqual(3600);
        expect(row.get('ttl_email')).toBeGreaterThan(3500);
      }
    });
  });

  it('without CASSANDRA_TTL rows do not expire', async () => {
    await withSink({}, async ({ config, client, activities, handoff }) => {
      handoff.put('b', cutBatch(messages(1), 0, 0, now).rows);
      await activities.writeRows({ batchId: 'b', topic: 't', partition: 0, firstOffset: '0', lastOffset: '19' });
      const rows = (await client.execute(`SELECT TTL(full_name) AS ttl FROM ${config.cassandra.keyspace}.${config.cassandra.table}`)).rows;
      expect(rows.map((r) => r.get('ttl'))).toEqual(Array(20).fill(null));
    });
  });

  it('CASSANDRA_WRITE_CONSISTENCY reaches the writes: with two replicas wanted on one node, LOCAL_QUORUM is refused and ONE is not', async () => {
    await withSink({ CASSANDRA_REPLICATION_FACTOR: '2' }, async ({ activities, handoff }) => {
      handoff.put('b', cutBatch(messages(1), 0, 0, now).rows);
      await expect(activities.writeRows({ batchId: 'b', topic: 't', partition: 0, firstOffset: '0', lastOffset: '19' })).rejects.toThrow(/LOCAL_QUORUM|localQuorum|Not enough replicas|Cannot achieve consistency/i);
    });
    await withSink({ CASSANDRA_REPLICATION_FACTOR: '2', CASSANDRA_WRITE_CONSISTENCY: 'ONE' }, async ({ activities, handoff }) => {
      handoff.put('b', cutBatch(messages(1), 0, 0, now).rows);
      expect(await activities.writeRows({ batchId: 'b', topic: 't', partition: 0, firstOffset: '0', lastOffset: '19' })).toBe(20);
    });
  });

  it('the Kafka re-read writes a batch only when its offsets still hold the batch\'s own messages', async () => {
    await withSink({}, async ({ config, client, activities, read }) => {
      const original = cutBatch(messages(1), 0, 0, now);
      const ref = { batchId: 'b', topic: 't', partition: 0, firstOffset: '0', lastOffset: '19', digest: original.digest, writeTimeBefore: 0 };
      read.push(...messages(7, 0, T0 + 60_000)); // a recreated topic: other records at the same offsets
      await expect(activities.writeRowsFromKafka(ref)).rejects.toMatchObject({ type: BATCH_NOT_ON_KAFKA, nonRetryable: true });
      const count = await client.execute(`SELECT count(*) AS n FROM ${config.cassandra.keyspace}.${config.cassandra.table}`);
      expect(Number(count.first().get('n'))).toBe(0);
      read.splice(0, read.length, ...messages(1));
      expect(await activities.writeRowsFromKafka(ref)).toBe(20);
    });
  });
});
