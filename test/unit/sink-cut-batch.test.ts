import type { KafkaMessage } from 'kafkajs';
import type { BoundRow } from '../../src/cassandra/bound-row';
import { toUserRecord } from '../../src/record/user-record';
import { batchDigest } from '../../src/sink/batch-digest';
import { cutBatch, cutBatchInSlices } from '../../src/sink/cut-batch';
import { nextWriteTime, writeTimeFromMetadata, writeTimeMetadata } from '../../src/sink/write-time';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { decodeBoundRow } from '../support/bound-values';

const T0 = 1_764_000_000_000; // ms

function message(offset: number, value: string | null, timestampMs = T0, key: string | null = null): KafkaMessage {
  return {
    offset: String(offset),
    timestamp: String(timestampMs),
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    attributes: 0,
    headers: {},
  } as KafkaMessage;
}

const now = new Date(T0);
const records = generateUsers({ seed: 'cut-batch', page: 1, results: 4 }).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
const version = (i: number, v: number) => JSON.stringify({ ...records[i]!, full_name: `${records[i]!.full_name} v${v}` });
const fullName = (row: BoundRow) => decodeBoundRow(row).values[1] as string;
const writeTime = (row: BoundRow) => decodeBoundRow(row).writeTime;

describe('write time', () => {
  it('is the record timestamp in µs when it is ahead of the partition', () => {
    expect(nextWriteTime(0, String(T0))).toBe(T0 * 1000);
    expect(nextWriteTime(T0 * 1000, String(T0 + 1))).toBe((T0 + 1) * 1000);
  });

  it('grows by 1 µs for records in the same millisecond, and when the producer clock goes backwards', () => {
    expect(nextWriteTime(T0 * 1000, String(T0))).toBe(T0 * 1000 + 1);
    expect(nextWriteTime(T0 * 1000 + 5, String(T0 - 60_000))).toBe(T0 * 1000 + 6);
  });

  it('follows the record before for a missing timestamp', () => {
    expect(nextWriteTime(42, '-1')).toBe(43);
    expect(nextWriteTime(42, 'garbage')).toBe(43);
  });

  it('travels in commit metadata; a commit without it starts from 0', () => {
    expect(writeTimeFromMetadata(writeTimeMetadata(T0 * 1000 + 7))).toBe(T0 * 1000 + 7);
    expect(writeTimeFromMetadata(null)).toBe(0);
    expect(writeTimeFromMetadata('')).toBe(0);
    expect(writeTimeFromMetadata('something else')).toBe(0);
  });
});

describe('cutBatch', () => {
  it('keeps the last version of each key, in offset order, with write times growing with the offset', () => {
    // Three versions of record 0 and two of record 1, all in the same millisecond, then record 2.
    const messages = [message(10, version(0, 1)), message(11, version(1, 1)), message(12, version(0, 2)), message(13, version(1, 2)), message(14, version(0, 3)), message(15, version(2, 1))];
    const cut = cutBatch(messages, 0, 0, now);
    expect(cut.versions).toBe(6);
    expect(cut.rows.map(fullName)).toEqual([`${records[1]!.full_name} v2`, `${records[0]!.full_name} v3`, `${records[2]!.full_name} v1`]);
    expect(cut.rows.map(writeTime)).toEqual([T0 * 1000 + 3, T0 * 1000 + 4, T0 * 1000 + 5]);
    expect(cut.writeTimeAfter).toBe(T0 * 1000 + 5);
  });

  it('continues from the write time before it, through dead messages too, so two cuts of a partition chain', () => {
    const messages = [message(0, version(0, 1)), message(1, 'not json'), message(2, version(1, 1)), message(3, version(0, 2))];
    const whole = cutBatch(messages, 1, 0, now);
    const first = cutBatch(messages.slice(0, 2), 1, 0, now);
    const second = cutBatch(messages.slice(2), 1, first.writeTimeAfter, now);
    expect(whole.dead.map((d) => d.message.offset)).toEqual(['1']);
    expect(first.dead.map((d) => d.message.offset)).toEqual(['1']);
    expect(whole.writeTimeAfter).toBe(second.writeTimeAfter);
    // Version 1 of record 0 is older than version 2 whichever batch wrote it.
    expect(writeTime(first.rows[0]!)).toBeLessThan(writeTime(second.rows.find((r) => fullName(r).endsWith('v2'))!));
  });

  it('orders by offset even when the producer clock went backwards between versions', () => {
    const cut = cutBatch([message(0, version(0, 1), T0 + 5000, 'a'), message(1, version(1, 1), T0 - 5000, 'b')], 0, 0, now);
    expect(writeTime(cut.rows[1]!)).toBeGreaterThan(writeTime(cut.rows[0]!));
  });
});

describe('cutBatchInSlices', () => {
  // Versions of four keys, a dead message every seventh: slices end inside runs of a key's versions.
  const many = Array.from({ length: 50 }, (_, i) => message(100 + i, i % 7 === 3 ? 'not json' : version(i % 4, i), T0 + (i % 5)));

  it('cuts exactly what cutBatch cuts: rows, dead letters, versions, digest and write time', async () => {
    const whole = cutBatch(many, 2, 42, now);
    for (const slice of [1, 3, 7, 50, 500]) {
      const sliced = await cutBatchInSlices(many, 2, 42, now, slice);
      expect(sliced.rows.map((row) => row.toString('hex'))).toEqual(whole.rows.map((row) => row.toString('hex')));
      expect(sliced.dead.map((d) => [d.message.offset, d.reason])).toEqual(whole.dead.map((d) => [d.message.offset, d.reason]));
      expect([sliced.versions, sliced.digest, sliced.writeTimeAfter]).toEqual([whole.versions, whole.digest, whole.writeTimeAfter]);
    }
    expect(whole.rows).toHaveLength(4);
    expect(whole.dead).toHaveLength(7);
  });

  it('lets the event loop run between slices', async () => {
    const turns: number[] = [];
    let counting = true;
    const count = () => {
      if (!counting) return;
      turns.push(turns.length);
      setImmediate(count);
    };
    setImmediate(count);
    await cutBatchInSlices(many, 0, 0, now, 10);
    counting = false;
    // Four pauses between five slices of ten: other work ran while the batch was cut.
    expect(turns.length).toBeGreaterThanOrEqual(4);
  });
});

describe('batch digest', () => {
  const messages = [message(0, version(0, 1), T0, 'a'), message(1, version(1, 1), T0, 'b')];
  const digest = batchDigest(0, 0, messages);

  it('is the same for the same messages, cut again', () => {
    expect(batchDigest(0, 0, messages.map((m) => ({ ...m, key: Buffer.from(m.key!), value: Buffer.from(m.value!) })))).toBe(digest);
    expect(cutBatch(messages, 0, 0, now).digest).toBe(digest);
    expect(digest).toMatch(/^[0-9a-f]{20}$/);
  });

  it.each([
    ['another value at the same offset', [message(0, version(0, 2), T0, 'a'), messages[1]!]],
    ['another timestamp', [message(0, version(0, 1), T0 + 1, 'a'), messages[1]!]],
    ['another key', [message(0, version(0, 1), T0, 'c'), messages[1]!]],
    ['a null value instead of an empty one', [message(0, null, T0, 'a'), messages[1]!]],
    ['a byte moved from key to value', [message(0, `a${version(0, 1)}`, T0, ''), messages[1]!]],
  ])('differs for %s', (_case, other) => {
    expect(batchDigest(0, 0, other as KafkaMessage[])).not.toBe(digest);
  });

  it('differs for another partition or another starting write time', () => {
    expect(batchDigest(1, 0, messages)).not.toBe(digest);
    expect(batchDigest(0, 1, messages)).not.toBe(digest);
  });
});
