import { boundValues, toBoundRow } from '../../src/cassandra/bound-row';
import { lazyBoundValues } from '../../src/cassandra/lazy-bound-values';
import type { UserRecord } from '../../src/record/user-record';

const record: UserRecord = {
  schema_version: 1,
  id: '5f2b8c3e-1d4a-4e6f-9a7b-0c1d2e3f4a5b',
  full_name: 'Zoë Ångström',
  gender: 'female',
  location: '7812, Provulok Pushkina',
  city: 'Tromsø',
  country: 'Norway',
  postcode: '9008',
  latitude: -42.1817,
  longitude: 120.5,
  email: 'zoe@example.com',
  slot_time: '2025-03-01T10:00:10.000Z',
  fetched_at: '2025-03-01T10:00:10.250Z',
};
const row = toBoundRow(record, { partition: 3, offset: '9007199254740993', ingestedAt: new Date('2025-03-01T10:00:11.000Z') }, 1_764_000_000_000_123);
const eager = boundValues(row);

describe('lazyBoundValues', () => {
  it('is an array of the same values, however the driver reads it', () => {
    const lazy = lazyBoundValues(row);
    expect(Array.isArray(lazy)).toBe(true); // or the driver takes it for named parameters
    expect(lazy).toHaveLength(eager.length);
    const byForEach: Buffer[] = [];
    lazy.forEach((value, i) => (byForEach[i] = value)); // how the batch request writes them
    expect(byForEach).toEqual(eager);
    expect([...lazy]).toEqual(eager);
    // Out of order and again: the kept offset only speeds up the in-order read.
    const order = [5, 0, 15, 1, 1, 14, 7, 3].filter((i) => i < eager.length);
    for (const i of order) expect(lazy[i]).toEqual(eager[i]);
    expect(2 in lazy && !(eager.length in lazy)).toBe(true);
    expect(lazy[eager.length]).toBeUndefined();
  });

  it('hands out views of the row, not copies', () => {
    const lazy = lazyBoundValues(row);
    expect(lazy[0]!.buffer).toBe(row.buffer);
    expect(lazy[0]!.byteOffset).toBe(row.byteOffset + 4);
  });

  it('cannot be changed, so no row can change another through the shared target', () => {
    const lazy = lazyBoundValues(row);
    expect(() => {
      'use strict';
      lazy[0] = Buffer.from('x');
    }).toThrow(TypeError);
    expect(() => lazy.push(Buffer.from('x'))).toThrow(TypeError);
    expect(() => delete lazy[1]).toThrow(TypeError);
    const other = lazyBoundValues(toBoundRow({ ...record, full_name: 'Someone Else' }, { partition: 0, offset: '1', ingestedAt: new Date() }, 1));
    expect(other).toHaveLength(eager.length);
    expect(lazyBoundValues(row)[1]).toEqual(eager[1]);
  });
});
