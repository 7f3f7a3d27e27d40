import { BOUND_TYPES, eachValue, type BoundRow } from './bound-row';

const VALUE_COUNT = BOUND_TYPES.length;
/**
 * What every row's values stand in front of: an array (so the driver takes them as positional values)
 * whose elements are their own indexes, so the engine answers `length`, `in` and the index of a key.
 */
const INDEXES: readonly number[] = Array.from({ length: VALUE_COUNT }, (_, i) => i);

/**
 * Reads a row's values where they are asked for. `forEach` (how the driver writes a batch's values)
 * walks the row once; reads by index keep the offset of the next value, so in order they walk it once too.
 */
class RowValues implements ProxyHandler<number[]> {
  private nextIndex = 0;
  private nextAt = 0;

  constructor(private readonly row: BoundRow) {}

  get(target: number[], key: string | symbol, receiver: Buffer[]): unknown {
    if (key === 'length') return VALUE_COUNT;
    // The driver writes a batch's values with forEach: one walk of the row, not a trap per index.
    if (key === 'forEach') return (callback: (value: Buffer, index: number, values: Buffer[]) => void) => eachValue(this.row, (value, i) => callback(value, i, receiver));
    const found = target[key as unknown as number];
    return typeof found === 'number' ? this.valueAt(found) : found;
  }

  // The values are the row's; nothing may change them, or the shared target behind every row.
  set(): boolean {
    return false;
  }

  defineProperty(): boolean {
    return false;
  }

  deleteProperty(): boolean {
    return false;
  }

  private valueAt(index: number): Buffer {
    let at = 0;
    let i = 0;
    if (index >= this.nextIndex) {
      at = this.nextAt;
      i = this.nextIndex;
    }
    for (; i < index; i++) at += 4 + this.row.readInt32BE(at);
    const length = this.row.readInt32BE(at);
    this.nextIndex = index + 1;
    this.nextAt = at + 4 + length;
    return this.row.subarray(at + 4, at + 4 + length);
  }
}

/**
 * The row's values as the driver binds them (the same as boundValues), made only when the driver reads
 * them, as it writes the request. A batch waits for Cassandra with its rows in it: built up front, the
 * values cost a buffer view a value (16 a row, about 1.6 kB of heap against the row's few hundred bytes)
 * that live as long as the request and are promoted to the old generation; made here, they die young.
 * At 64 requests in flight the sink held about 6 500 rows' views: 17 MB of heap (docs/BENCHMARKS.md).
 */
export function lazyBoundValues(row: BoundRow): Buffer[] {
  return new Proxy(INDEXES as number[], new RowValues(row)) as unknown as Buffer[];
}
