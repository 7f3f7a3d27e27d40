import { types } from 'cassandra-driver';
import type { UserRecord } from '../record/user-record';
import { assertValidOrigin, type KafkaOrigin } from '../record/user-row';

/**
 * One row of the users table as the upsert binds it: values in USER_ROW_COLUMNS order, then the write
 * time (µs since the epoch, for `USING TIMESTAMP`), in the forms the driver encodes without converting
 * again (uuid as Uuid, offset as Long, times as epoch ms). This is what a batch's rows are held as
 * between the consumer cutting it and its write.
 */
export type BoundRow = readonly unknown[];

/** Maps a valid record read at `origin` straight to its bound values, with no row object in between. */
export function toBoundRow(record: UserRecord, origin: KafkaOrigin, writeTimeMicros: number): BoundRow {
  assertValidOrigin(origin);
  return [
    types.Uuid.fromString(record.id), record.full_name, record.gender, record.location, record.city, record.country, record.postcode,
    record.latitude, record.longitude, record.email, Date.parse(record.slot_time), Date.parse(record.fetched_at),
    origin.partition, offsetAsLong(origin.offset), origin.ingestedAt.getTime(),
    writeTimeMicros,
  ];
}

/** Kafka offsets stay far below 2^53 in practice: the number path skips Long's digit-by-digit parse. */
function offsetAsLong(offset: string): types.Long {
  return offset.length < 16 ? types.Long.fromNumber(Number(offset)) : types.Long.fromString(offset);
}
