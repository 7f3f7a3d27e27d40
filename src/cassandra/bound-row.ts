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

/** The driver form of each CQL type whose model value is not bound as it is. */
const DRIVER_FORM: { [T in CqlType]?: (value: CqlValues[T]) => unknown } = {
  uuid: (id) => types.Uuid.fromString(id),
  bigint: offsetAsLong,
};

type Binder = (record: UserRecord, origin: KafkaOrigin) => unknown;

// Built once: the per-row path is a loop over these, with no allocation but the values themselves.
const BINDERS: readonly Binder[] = USER_ROW_COLUMNS.map((column): Binder => {
  const value = column.value as Binder;
  const toDriver = DRIVER_FORM[column.cql] as ((v: unknown) => unknown) | undefined;
  return toDriver ? (record, origin) => toDriver(value(record, origin)) : value;
});

/** Maps a valid record read at `origin` straight to its bound values, with no row object in between. */
export function toBoundRow(record: UserRecord, origin: KafkaOrigin, writeTimeMicros: number): BoundRow {
  assertValidOrigin(origin);
  const count = BINDERS.length;
  const values: unknown[] = new Array(count + 1);
  for (let i = 0; i < count; i++) values[i] = BINDERS[i]!(record, origin);
  values[count] = writeTimeMicros;
  return values;
}
