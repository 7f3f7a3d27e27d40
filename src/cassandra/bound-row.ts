import type { UserRecord } from '../record/user-record';
import { assertValidOrigin, USER_ROW_COLUMNS, type CqlType, type CqlValues, type KafkaOrigin } from '../record/user-row';

/**
 * One row of the users table as the upsert binds it, encoded once into one buffer: each value in
 * USER_ROW_COLUMNS order, then the write time (µs since the epoch, for `USING TIMESTAMP`), each as the
 * native protocol's [int32 length][bytes]. A batch's rows wait seconds for Cassandra; held as one
 * buffer each rather than a dozen strings, numbers, a Uuid and a Long, they cost the garbage collector
 * one object a row. The driver sends a Buffer value as it is (boundValues), so nothing is encoded twice.
 */
export type BoundRow = Buffer;

/** The CQL type of each bound value, the write time last (a bigint, as `USING TIMESTAMP ?` binds it). */
export const BOUND_TYPES: readonly CqlType[] = [...USER_ROW_COLUMNS.map((column) => column.cql), 'bigint'];

// Built once: the per-row path is one loop over these.
const GETTERS = USER_ROW_COLUMNS.map((column) => column.value as (record: UserRecord, origin: KafkaOrigin) => unknown);
const CQL_TYPES: readonly CqlType[] = USER_ROW_COLUMNS.map((column) => column.cql);
const TWO_32 = 4294967296;

/**
 * Where rows are encoded before being copied out at their exact size. Grown when a row could not fit
 * (a text value takes at most 3 bytes a UTF-16 unit), never shrunk.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

function ensureRoom(at: number, bytes: number): void {
  if (at + bytes <= scratch.length) return;
  const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + bytes));
  scratch.copy(grown, 0, 0, at);
  scratch = grown;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  throw new RangeError(`uuid holds a character that is not a hex digit: ${String.fromCharCode(code)}`);
}

function writeUuid(text: string, at: number): number {
  if (text.length !== 36) throw new RangeError(`uuid ${JSON.stringify(text)} is not 36 characters`);
  let out = at;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    scratch[out++] = (hexValue(text.charCodeAt(i)) << 4) | hexValue(text.charCodeAt(i + 1));
  }
  return 16;
}

/** A signed 64-bit integer from a number within ±2^53, as two 32-bit halves. */
function writeInt64(value: number, at: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer the row can bind exactly`);
  const high = Math.floor(value / TWO_32);
  scratch.writeInt32BE(high, at);
  scratch.writeUInt32BE(value - high * TWO_32, at + 4);
  return 8;
}

/** A Kafka offset: a decimal string, kept exact past 2^53. */
function writeOffset(offset: string, at: number): number {
  if (offset.length < 16) return writeInt64(Number(offset), at);
  scratch.writeBigInt64BE(BigInt(offset), at);
  return 8;
}

function writeValue(cql: CqlType, value: unknown, at: number): number {
  switch (cql) {
    case 'uuid':
      return writeUuid(value as CqlValues['uuid'], at);
    case 'text': {
      const text = value as CqlValues['text'];
      ensureRoom(at, text.length * 3);
      return scratch.write(text, at, 'utf8');
    }
    case 'double':
      scratch.writeDoubleBE(value as CqlValues['double'], at);
      return 8;
    case 'timestamp':
      return writeInt64(value as CqlValues['timestamp'], at);
    case 'int':
      scratch.writeInt32BE(value as CqlValues['int'], at);
      return 4;
    case 'bigint':
      return writeOffset(value as CqlValues['bigint'], at);
    default:
      throw new TypeError(`no encoding for CQL type ${cql satisfies never}`);
  }
}

/** Maps a valid record read at `origin` straight to its encoded row, with no row object in between. */
export function toBoundRow(record: UserRecord, origin: KafkaOrigin, writeTimeMicros: number): BoundRow {
  assertValidOrigin(origin);
  let at = 0;
  for (let i = 0; i < GETTERS.length; i++) {
    ensureRoom(at, 4 + 16);
    const length = writeValue(CQL_TYPES[i]!, GETTERS[i]!(record, origin), at + 4);
    scratch.writeInt32BE(length, at);
    at += 4 + length;
  }
  ensureRoom(at, 4 + 8);
  scratch.writeInt32BE(8, at);
  writeInt64(writeTimeMicros, at + 4);
  at += 12;
  const row = Buffer.allocUnsafe(at);
  scratch.copy(row, 0, 0, at);
  return row;
}

/** Visits the row's values in bind order, one view each into the row (no copy), the write time last. */
export function eachValue(row: BoundRow, visit: (value: Buffer, index: number) => void): void {
  let at = 0;
  for (let i = 0; i < BOUND_TYPES.length; i++) {
    const length = row.readInt32BE(at);
    visit(row.subarray(at + 4, at + 4 + length), i);
    at += 4 + length;
  }
}

/** The row's values as the driver binds them, one view each into the row (no copy), the write time last. */
export function boundValues(row: BoundRow): Buffer[] {
  const values: Buffer[] = new Array(BOUND_TYPES.length);
  eachValue(row, (value, i) => (values[i] = value));
  return values;
}

/** The partition key's bytes (the id's 16), as the driver's token map and routing take them. */
export function boundKey(row: BoundRow): Buffer {
  return row.subarray(4, 20);
}
