import type { UserRecord } from '../../src/record/user-record';
import { types } from 'cassandra-driver';
import { toBoundRow } from '../../src/cassandra/bound-row';
import { USER_ROW_COLUMNS, toUserRow, type KafkaOrigin } from '../../src/record/user-row';

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
  it('copies the record and adds where it was read, with times as Dates', () => {
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
      slot_time: new Date('2025-03-01T10:00:10.000Z'),
      fetched_at: new Date('2025-03-01T10:00:10.250Z'),
      kafka_partition: 2,
      // Past 2^53: a number would silently become ...992.
      kafka_offset: '9007199254740993',
      ingested_at: new Date('2025-03-01T10:00:11.000Z'),
    });
  });

  it('has exactly the columns USER_ROW_COLUMNS lists, each once', () => {
    expect(new Set(USER_ROW_COLUMNS).size).toBe(USER_ROW_COLUMNS.length);
    expect(Object.keys(toUserRow(record, origin)).sort()).toEqual([...USER_ROW_COLUMNS].sort());
    expect(USER_ROW_COLUMNS[0]).toBe('id');
  });

  it('binds values in column order', () => {
    const row = toUserRow(record, origin);
    const values = USER_ROW_COLUMNS.map((column) => row[column]);
    expect(values[USER_ROW_COLUMNS.indexOf('postcode')]).toBe('K1A 0B1');
    expect(values[USER_ROW_COLUMNS.indexOf('kafka_offset')]).toBe('9007199254740993');
  });

  it('does not share the ingestedAt Date with the caller', () => {
    const ingestedAt = new Date('2025-03-01T10:00:11.000Z');
    const row = toUserRow(record, { ...origin, ingestedAt });
    ingestedAt.setUTCFullYear(1999);
    expect(row.ingested_at.toISOString()).toBe('2025-03-01T10:00:11.000Z');
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
  it('binds the same values as the row, in USER_ROW_COLUMNS order (uuid, Long offset, times as epoch ms)', () => {
    const row = toUserRow(record, origin);
    const bound = toBoundRow(record, origin, 1_764_000_000_000_123);
    const plain = (v: unknown) => (v instanceof Date ? v.getTime() : v instanceof types.Uuid || v instanceof types.Long ? v.toString() : v);
    expect(bound.slice(0, -1).map(plain)).toEqual(USER_ROW_COLUMNS.map((column) => plain(row[column])));
    expect(bound[bound.length - 1]).toBe(1_764_000_000_000_123); // the write time, bound last
    expect(bound[0]).toBeInstanceOf(types.Uuid);
    expect(String(bound[13])).toBe('9007199254740993'); // beyond Number precision, kept exact
  });

  it('refuses an origin that is not a partition, offset and time, as toUserRow does', () => {
    expect(() => toBoundRow(record, { ...origin, offset: '12a' }, 0)).toThrow('Kafka offset "12a" is not an offset');
  });
});
