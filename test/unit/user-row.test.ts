import type { UserRecord } from '../../src/record/user-record';
import { types } from 'cassandra-driver';
import { boundKey, boundValues, toBoundRow } from '../../src/cassandra/bound-row';
import { decodeBoundRow } from '../support/bound-values';
import { describeStoredRow, LINEAGE_COLUMNS, USER_ROW_COLUMN_NAMES, USER_ROW_COLUMNS, toUserRow, type KafkaOrigin } from '../../src/record/user-row';

const record: UserRecord = {
  schema_version: 1,
  id: '5f2b8c3e-1d4a-4e6f-9a7b-0c1d2e3f4a5b',
  full_name: "Mr. Liam O'Brien",
  gender: 'male',
  location: '7812, Provulok Pushkina',
  city: "St. John's",
  country: 'Canada',
  postcode: 'K1A 0B1',
  latitude: -42.1817,
  longitude: 120.5,
  email: 'liam.obrien@example.com',
  slot_time: '2025-03-01T10:00:10.000Z',
  fetched_at: '2025-03-01T10:00:10.250Z',
};
const origin: KafkaOrigin = { partition: 2, offset: '9007199254740993', ingestedAt: new Date('2025-03-01T10:00:11.000Z') };

describe('toUserRow', () => {
  it('copies the record and adds where it was read, with times as epoch ms', () => {
    expect(toUserRow(record, origin)).toEqual({
      id: record.id,
      full_name: "Mr. Liam O'Brien",
      gender: 'male',
      location: '7812, Provulok Pushkina',
      city: "St. John's",
      country: 'Canada',
      postcode: 'K1A 0B1',
      latitude: -42.1817,
      longitude: 120.5,
      email: 'liam.obrien@example.com',
      slot_time: Date.parse('2025-03-01T10:00:10.000Z'),
      fetched_at: Date.parse('2025-03-01T10:00:10.250Z'),
      kafka_partition: 2,
      // Past 2^53: a number would silently become ...992.
      kafka_offset: '9007199254740993',
      ingested_at: Date.parse('2025-03-01T10:00:11.000Z'),
    });
  });

  it('has each column once, the primary key first, in the order USER_ROW_COLUMNS declares', () => {
    expect(new Set(USER_ROW_COLUMN_NAMES).size).toBe(USER_ROW_COLUMNS.length);
    expect(Object.keys(toUserRow(record, origin))).toEqual([...USER_ROW_COLUMN_NAMES]);
    expect(USER_ROW_COLUMN_NAMES[0]).toBe('id');
  });

  it('names lineage columns that exist', () => {
    for (const name of Object.values(LINEAGE_COLUMNS)) expect(USER_ROW_COLUMN_NAMES).toContain(name);
  });

  it.each<[string, Partial<KafkaOrigin>, string]>([
    ['negative partition', { partition: -1 }, 'Kafka partition -1 is not a partition number'],
    ['fractional partition', { partition: 1.5 }, 'Kafka partition 1.5 is not a partition number'],
    ['offset that is not a number', { offset: 'abc' }, 'Kafka offset "abc" is not an offset'],
    ['negative offset', { offset: '-1' }, 'Kafka offset "-1" is not an offset'],
    ['invalid ingestedAt', { ingestedAt: new Date('nope') }, 'ingestedAt is an invalid Date'],
  ])('rejects %s', (_case, change, message) => {
    expect(() => toUserRow(record, { ...origin, ...change })).toThrow(message);
  });
});

describe('toBoundRow', () => {
  it('encodes the values of the row in column order as the driver reads them back, then the write time', () => {
    const bound = toBoundRow(record, origin, 1_764_000_000_000_123);
    const { values, writeTime } = decodeBoundRow(bound);
    expect(values).toEqual(Object.values(toUserRow(record, origin)));
    expect(values[USER_ROW_COLUMN_NAMES.indexOf('kafka_offset')]).toBe('9007199254740993'); // beyond Number precision, kept exact
    expect(writeTime).toBe(1_764_000_000_000_123); // the write time, bound last
    expect(boundKey(bound)).toEqual(types.Uuid.fromString(record.id).getBuffer());
  });

  it('binds the exact values the upsert had before the rows were encoded once', () => {
    const bound = toBoundRow(record, { ...origin, offset: '41' }, 7);
    expect(boundValues(bound)).toHaveLength(USER_ROW_COLUMNS.length + 1);
    expect(decodeBoundRow(bound)).toEqual({
      values: [
        record.id, "Mr. Liam O'Brien", 'male', '7812, Provulok Pushkina', "St. John's", 'Canada', 'K1A 0B1',
        -42.1817, 120.5, 'liam.obrien@example.com', 1_740_823_210_000, 1_740_823_210_250,
        2, '41', 1_740_823_211_000,
      ],
      writeTime: 7,
    });
  });

  it('encodes text as UTF-8 however long, and times before the epoch', () => {
    const long = 'Zoë '.repeat(40_000);
    const { values } = decodeBoundRow(toBoundRow({ ...record, full_name: long, slot_time: '1969-12-31T23:59:59.000Z' }, origin, 1));
    expect(values[1]).toBe(long);
    expect(values[USER_ROW_COLUMN_NAMES.indexOf('slot_time')]).toBe(-1000);
  });

  it('refuses an origin that is not a partition, offset and time, as toUserRow does', () => {
    expect(() => toBoundRow(record, { ...origin, offset: '12a' }, 0)).toThrow('Kafka offset "12a" is not an offset');
  });
});

describe('describeStoredRow', () => {
  it('names a stored row in one line', () => {
    const row = { full_name: 'Ms. Ada L', email: 'ada@example.com', city: 'London', country: 'UK', fetched_at: 'F', ingested_at: 'I' };
    expect(describeStoredRow(row)).toBe('Ms. Ada L · ada@example.com · London, UK · fetched F · ingested I');
  });
});
