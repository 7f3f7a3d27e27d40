import type { UserRecord } from './user-record';

/**
 * The users table, declared once: each column's name, CQL type and where its value comes from (the
 * record, or where the consumer read it from Kafka). The upsert, the bound values, the trace and the
 * check of cql/ against the table are all derived from USER_ROW_COLUMNS.
 */

export interface KafkaOrigin {
  partition: number;
  offset: string;
  ingestedAt: Date;
}

/** A column's value as the model produces it; cassandra/bound-row.ts turns each into the driver's form. */
export interface CqlValues {
  uuid: string;
  text: string;
  double: number;
  /** ms since the epoch, which the driver binds to a timestamp as it is. */
  timestamp: number;
  int: number;
  /** A Kafka offset can pass 2^53, so it stays a decimal string. */
  bigint: string;
}
export type CqlType = keyof CqlValues;

export interface Column<N extends string = string, T extends CqlType = CqlType> {
  name: N;
  cql: T;
  value: (record: UserRecord, origin: KafkaOrigin) => CqlValues[T];
  /** Shown by `pipeline trace`. */
  traced: boolean;
}

const column = <N extends string, T extends CqlType>(name: N, cql: T, value: Column<N, T>['value'], traced = true): Column<N, T> => ({ name, cql, value, traced });

/** In table order: the primary key first. */
export const USER_ROW_COLUMNS = [
  column('id', 'uuid', (r) => r.id),
  column('full_name', 'text', (r) => r.full_name),
  column('gender', 'text', (r) => r.gender),
  column('location', 'text', (r) => r.location, false),
  column('city', 'text', (r) => r.city),
  column('country', 'text', (r) => r.country),
  column('postcode', 'text', (r) => r.postcode),
  column('latitude', 'double', (r) => r.latitude, false),
  column('longitude', 'double', (r) => r.longitude, false),
  column('email', 'text', (r) => r.email),
  column('slot_time', 'timestamp', (r) => Date.parse(r.slot_time)),
  column('fetched_at', 'timestamp', (r) => Date.parse(r.fetched_at)),
  column('kafka_partition', 'int', (_r, o) => o.partition),
  column('kafka_offset', 'bigint', (_r, o) => o.offset),
  column('ingested_at', 'timestamp', (_r, o) => o.ingestedAt.getTime()),
] as const;

type Columns = (typeof USER_ROW_COLUMNS)[number];
export type UserRowColumn = Columns['name'];

/** One row of the users table: the record plus where the consumer read it from Kafka. */
export type UserRow = { [C in Columns as C['name']]: CqlValues[C['cql']] };

export const USER_ROW_COLUMN_NAMES: readonly UserRowColumn[] = USER_ROW_COLUMNS.map((c) => c.name);

/** The columns that say where a stored row came from, as `pipeline trace` reads them back. */
export const LINEAGE_COLUMNS = {
  slotTime: 'slot_time',
  partition: 'kafka_partition',
  offset: 'kafka_offset',
  ingestedAt: 'ingested_at',
} as const satisfies Record<string, UserRowColumn>;

/** A regular column whose WRITETIME is the row's write time (every cell is written by one upsert). */
export const WRITE_TIME_COLUMN: UserRowColumn = 'full_name';

/** Columns worth a first look, e.g. in `npm run cql`'s usage. */
export const GLANCE_COLUMNS: readonly UserRowColumn[] = ['full_name', 'city', 'postcode'];

/** One line naming a stored row for people, from its columns as `pipeline trace` shows them. */
export function describeStoredRow(row: Readonly<Record<string, unknown>>): string {
  return `${row['full_name']} · ${row['email']} · ${row['city']}, ${row['country']} · fetched ${row['fetched_at']} · ingested ${row['ingested_at']}`;
}

/** The row a record read at `origin` becomes. The sink binds the same values (cassandra/bound-row.ts). */
export function toUserRow(record: UserRecord, origin: KafkaOrigin): UserRow {
  assertValidOrigin(origin);
  const row: Record<string, unknown> = {};
  for (const c of USER_ROW_COLUMNS) row[c.name] = c.value(record, origin);
  return row as UserRow;
}

/** Throws a RangeError naming the field when the origin is not a partition, offset and time. */
export function assertValidOrigin(origin: KafkaOrigin): void {
  if (!Number.isInteger(origin.partition) || origin.partition < 0) {
    throw new RangeError(`Kafka partition ${origin.partition} is not a partition number (expected an integer from 0)`);
  }
  if (!/^\d+$/.test(origin.offset)) {
    throw new RangeError(`Kafka offset ${JSON.stringify(origin.offset)} is not an offset (expected a decimal integer string)`);
  }
  if (Number.isNaN(origin.ingestedAt.getTime())) {
    throw new RangeError('ingestedAt is an invalid Date (expected the time the consumer read the message)');
  }
}
