import { types } from 'cassandra-driver';
import type { UserRecord } from '../record/user-record';
import { assertValidOrigin, USER_ROW_COLUMNS, type CqlType, type CqlValues, type KafkaOrigin } from '../record/user-row';

/**
 * One row of the users table as the upsert binds it: values in USER_ROW_COLUMNS order, then the write
 * time (µs since the epoch, for `USING TIMESTAMP`), in the forms the driver encodes without converting
 * again (uuid as Uuid, offset as Long, times as epoch ms). This is what a batch's rows are held as
 * between the consumer cutting it and its write.
 */
export type BoundRow = readonly unknown[];

/** Kafka offsets stay far below 2^53 in practice: the number path skips Long's digit-by-digit parse. */
function offsetAsLong(offset: string): types.Long {
  return offset.length < 16 ? types.Long.fromNumber(Number(offset)) : types.Long.fromString(offset);
}

// Built once: the per-row path is one loop over these, with no allocation but the values themselves.
const GETTERS = USER_ROW_COLUMNS.map((column) => column.value as (record: UserRecord, origin: KafkaOrigin) => unknown);
const CQL_TYPES: readonly CqlType[] = USER_ROW_COLUMNS.map((column) => column.cql);

/** Maps a valid record read at `origin` straight to its bound values, with no row object in between. */
export function toBoundRow(record: UserRecord, origin: KafkaOrigin, writeTimeMicros: number): BoundRow {
  assertValidOrigin(origin);
  const count = GETTERS.length;
  const values: unknown[] = new Array(count + 1);
  for (let i = 0; i < count; i++) {
    const value = GETTERS[i]!(record, origin);
    const cql = CQL_TYPES[i]!;
    // The driver form where the model's value is not bound as it is.
    switch (cql) {
      case 'uuid':
        values[i] = types.Uuid.fromString(value as CqlValues['uuid']);
        break;
      case 'bigint':
        values[i] = offsetAsLong(value as CqlValues['bigint']);
        break;
      case 'text':
      case 'double':
      case 'timestamp':
      case 'int':
        values[i] = value;
        break;
      default:
        throw new TypeError(`no driver form for CQL type ${cql satisfies never}`);
    }
  }
  values[count] = writeTimeMicros;
  return values;
}
