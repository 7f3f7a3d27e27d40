import { toBoundRow } from '../../src/cassandra/bound-row';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { toUserRecord } from '../../src/record/user-record';
import { estimatedRowBytes, replicaBatches } from '../../src/cassandra/replica-batches';

const T0 = 1_764_000_000_000;
const record = toUserRecord(generateUsers({ seed: 'replica-batches', page: 1, results: 1 })[0]!, { slotTime: new Date(T0), fetchedAt: new Date(T0) });
const row = (key: string, set: string) => [key, set] as const;
const setOf = (r: readonly unknown[]) => r[1] as string;

describe('replicaBatches', () => {
  it('puts only rows of one replica set in a batch, keeping their order', () => {
    const rows = [row('a1', 'A'), row('b1', 'B'), row('a2', 'A'), row('b2', 'B'), row('a3', 'A')];
    const batches = replicaBatches(rows, setOf, 10, 1_000_000, () => 1);
    expect(batches.map((b) => b.map((r) => r[0]))).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2']]);
  });

  it('cuts a replica set into batches of at most maxRows rows', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(`k${i}`, 'A'));
    expect(replicaBatches(rows, setOf, 4, 1_000_000, () => 1).map((b) => b.length)).toEqual([4, 4, 2]);
  });

  it('cuts before a batch would pass maxBytes; a row bigger than the cap goes alone', () => {
    const sizes: Record<string, number> = { a: 100, b: 100, c: 100, d: 900, e: 100 };
    const rows = Object.keys(sizes).map((k) => row(k, 'A'));
    const batches = replicaBatches(rows, setOf, 100, 250, (r) => sizes[r[0] as string]!);
    expect(batches.map((b) => b.map((r) => r[0]))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
  });

  it('estimates a row from its values, strings by their UTF-8 length', () => {
    const origin = { partition: 0, offset: '1', ingestedAt: new Date(T0) };
    const ascii = estimatedRowBytes(toBoundRow({ ...record, city: 'abcd' }, origin, 1));
    const wide = estimatedRowBytes(toBoundRow({ ...record, city: 'äöüß' }, origin, 1));
    expect(wide - ascii).toBe(4);
    // 15 values: the key's 16 bytes, then 14 cells of at least their overhead; the write time is no cell.
    expect(ascii).toBeGreaterThan(16 + 14 * 20);
  });
});
