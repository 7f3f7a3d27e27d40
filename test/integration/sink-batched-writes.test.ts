import type { KafkaMessage } from 'kafkajs';
import { createSinkActivities } from '../../src/activities/sink/write-rows';
import { boundKey, type BoundRow } from '../../src/cassandra/bound-row';
import { estimatedRowBytes, replicaBatches, replicaSetOf } from '../../src/cassandra/replica-batches';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { toUserRecord } from '../../src/record/user-record';
import { BatchHandoff } from '../../src/sink/batch-handoff';
import { cutBatch } from '../../src/sink/cut-batch';
import { scratchKeyspaceForFile } from '../support/scratch-keyspace';

/**
 * The batched write path (CASSANDRA_WRITE_BATCH_ROWS > 1) against the stack's Cassandra: unlogged
 * batches within one replica set, under the byte cap, every statement at its own write time.
 */
describe('sink writes as unlogged batches grouped by replica set', () => {
  const now = new Date();
  const users = generateUsers({ seed: 'batched-writes', page: 1, results: 300 }).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
  const { config, client, table } = scratchKeyspaceForFile('batched', { CASSANDRA_WRITE_BATCH_ROWS: '16', CASSANDRA_WRITE_BATCH_BYTES: '3000' });

  /** Messages of every user, `versions` times in a row each (offsets grow, so later versions are newer). */
  function messages(versions: number): KafkaMessage[] {
    const out: KafkaMessage[] = [];
    for (let v = 1; v <= versions; v++) {
      for (const user of users) {
        out.push({ offset: String(out.length), timestamp: String(now.getTime()), key: Buffer.from(user.id), attributes: 0, headers: {}, value: Buffer.from(JSON.stringify({ ...user, full_name: `${user.full_name} v${v}` })) } as KafkaMessage);
      }
    }
    return out;
  }

  it('groups by the replicas the driver names, and keeps every batch under the row and byte caps', () => {
    const rows = cutBatch(messages(1), 0, 0, now).rows;
    const replicasOf = replicaSetOf(client, config.cassandra.keyspace);
    const sets = new Set(rows.map(replicasOf));
    // One node: every row is owned by the same, real replica set.
    expect([...sets]).toEqual([client.getReplicas(config.cassandra.keyspace, boundKey(rows[0]!))!.map((h) => h.address).sort().join(',')]);
    expect([...sets][0]).not.toBe('');
    const batches = replicaBatches(rows, replicasOf, config.cassandra.writeBatch.rows, config.cassandra.writeBatch.bytes);
    expect(batches.flat()).toHaveLength(rows.length);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(16);
      expect(batch.reduce((sum: number, r: BoundRow) => sum + estimatedRowBytes(r), 0)).toBeLessThanOrEqual(3000);
    }
    expect(batches.length).toBeGreaterThan(Math.ceil(rows.length / 16)); // the byte cap cut some
  });

  it('keeps a batch under the cluster\'s fail threshold when the byte cap is set just below it', async () => {
    // 50 KiB is Cassandra's default batch_size_fail_threshold (51 200 bytes). With the row cap out of
    // the way, only the byte estimate stands between these rows and "Batch too large"; an estimate of
    // the rows' wire size (about 60 % of what Cassandra counts) would let ~190-row batches through.
    const handoff = new BatchHandoff();
    const activities = createSinkActivities({
      cassandra: client, settings: { ...config.cassandra, writeConcurrency: 4, writeBatch: { rows: 1000, bytes: 51_000 } }, handoff, readRange: async () => [],
    });
    const rows = cutBatch(messages(1), 0, 0, now).rows;
    const batches = replicaBatches(rows, replicaSetOf(client, config.cassandra.keyspace), 1000, 51_000);
    expect(batches.length).toBeGreaterThan(2); // 300 rows of about 480 bytes each need three
    handoff.put('capped', rows);
    await expect(activities.writeRows({ batchId: 'capped', topic: 't', partition: 0, firstOffset: '0', lastOffset: '0' })).resolves.toBe(users.length);
  });

  it('writes every row, and the newest version of a key wins however its versions are batched', async () => {
    const handoff = new BatchHandoff();
    const activities = createSinkActivities({
      cassandra: client, settings: { ...config.cassandra, writeConcurrency: 8, writeBatch: config.cassandra.writeBatch }, handoff, readRange: async () => [],
    });
    // Three versions of each key cut as three batches, written newest first: arrival order is the
    // reverse of version order, so only the write time can put the newest on top.
    const all = messages(3);
    const cuts = [0, 1, 2].map((v) => all.slice(v * users.length, (v + 1) * users.length));
    let writeTime = 0;
    const rowsByVersion = cuts.map((chunk) => {
      const cut = cutBatch(chunk, 0, writeTime, now);
      writeTime = cut.writeTimeAfter;
      return cut.rows;
    });
    for (const [v, rows] of [...rowsByVersion.entries()].reverse()) {
      handoff.put(`v${v}`, rows);
      expect(await activities.writeRows({ batchId: `v${v}`, topic: 't', partition: 0, firstOffset: '0', lastOffset: '0' })).toBe(users.length);
    }
    const rows = (await client.execute(`SELECT id, full_name FROM ${table}`)).rows;
    expect(rows).toHaveLength(users.length);
    expect(rows.filter((r) => !String(r.get('full_name')).endsWith(' v3')).map((r) => r.get('id').toString())).toEqual([]);
  });

  it('writes a batch Cassandra refuses as too large in halves, says so once a halving, and cuts later batches under the refusal', async () => {
    // A cap far over the stack's 50-KiB batch_size_fail_threshold: 300 rows of about 480 bytes go as one
    // batch, which Cassandra refuses; so are its halves of 150; quarters of 75 go through.
    const big = generateUsers({ seed: 'batched-too-large', page: 1, results: 300 }).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const rows = cutBatch(big.map((user, i) => ({ offset: String(i), timestamp: String(now.getTime()), key: Buffer.from(user.id), attributes: 0, headers: {}, value: Buffer.from(JSON.stringify(user)) }) as KafkaMessage), 0, 0, now).rows;
    const lines: string[] = [];
    const handoff = new BatchHandoff();
    const activities = createSinkActivities({
      cassandra: client, settings: { ...config.cassandra, writeConcurrency: 8, writeBatch: { rows: 1000, bytes: 1_000_000 } }, handoff, readRange: async () => [], log: (line) => lines.push(line),
    });
    const sent = jest.spyOn(client, 'batch');
    const outcomes = async (from: number) => {
      const calls = sent.mock.calls.slice(from).map(([queries]) => queries.length);
      const settled = await Promise.allSettled(sent.mock.results.slice(from).map((r) => r.value as Promise<unknown>));
      return calls.map((size, i) => ({ size, ok: settled[i]!.status === 'fulfilled' }));
    };
    try {
      handoff.put('too-large', rows);
      await expect(activities.writeRows({ batchId: 'too-large', topic: 't', partition: 0, firstOffset: '0', lastOffset: '299' })).resolves.toBe(300);
      const first = await outcomes(0);
      expect(first.filter((c) => !c.ok).map((c) => c.size)).toEqual([300, 150, 150]);
      expect(first.filter((c) => c.ok).map((c) => c.size).sort()).toEqual([75, 75, 75, 75]);
      // Lowered twice, in whole halvings: under half of 300 rows' bytes, then under half of 150 rows' (both halves).
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).toMatch(/^Cassandra refused a batch of (300|150) rows \(about \d+ bytes as it counts them\) as too large: .*cut at \d+ bytes from now on \(CASSANDRA_WRITE_BATCH_BYTES is 1000000\); set it under the cluster's batch_size_fail_threshold$/);

      // The next batch is cut under the lowered cap: nothing refused, nothing more said.
      handoff.put('after', rows);
      const before = sent.mock.calls.length;
      await expect(activities.writeRows({ batchId: 'after', topic: 't', partition: 0, firstOffset: '300', lastOffset: '599' })).resolves.toBe(300);
      const second = await outcomes(before);
      expect(second.every((c) => c.ok && c.size <= 75)).toBe(true);
      expect(second.reduce((sum, c) => sum + c.size, 0)).toBe(300);
      expect(lines).toHaveLength(2);
    } finally {
      sent.mockRestore();
    }
    const ids = new Set((await client.execute(`SELECT id FROM ${table}`)).rows.map((r) => r.get('id').toString()));
    expect(big.filter((u) => !ids.has(u.id)).map((u) => u.id)).toEqual([]);
  });
});
