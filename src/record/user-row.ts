import type { UserRecord } from './user-record';

/** One row of the users table: the record plus where the consumer read it from Kafka. */
export interface UserRow {
  id: string;
  full_name: string;
  gender: string;
  location: string;
  city: string;
  country: string;
  postcode: string;
  latitude: number;
  longitude: number;
  email: string;
  slot_time: Date;
  fetched_at: Date;
  kafka_partition: number;
  /** A Kafka offset can pass 2^53, so it stays a decimal string; the driver binds strings to bigint. */
  kafka_offset: string;
  ingested_at: Date;
}

export interface KafkaOrigin {
  partition: number;
  offset: string;
  ingestedAt: Date;
}

/** Column order for prepared statements; bind values with `USER_ROW_COLUMNS.map((c) => row[c])`. */
export const USER_ROW_COLUMNS = [
  'id',
  'full_name',
  'gender',
  'location',
  'city',
  'country',
  'postcode',
  'latitude',
  'longitude',
  'email',
  'slot_time',
  'fetched_at',
  'kafka_partition',
  'kafka_offset',
  'ingested_at',
] as const satisfies readonly (keyof UserRow)[];

export function toUserRow(record: UserRecord, origin: KafkaOrigin): UserRow {
  assertValidOrigin(origin);
  return {
    id: record.id,
    full_name: record.full_name,
    gender: record.gender,
    location: record.location,
    city: record.city,
    country: record.country,
    postcode: record.postcode,
    latitude: record.latitude,
    longitude: record.longitude,
    email: record.email,
    slot_time: new Date(record.slot_time),
    fetched_at: new Date(record.fetched_at),
    kafka_partition: origin.partition,
    kafka_offset: origin.offset,
    ingested_at: new Date(origin.ingestedAt.getTime()),
  };
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
