import {
  isPlainUserRecord,
  UserRecordSchema,
  CURRENT_SCHEMA_VERSION,
  UserMappingError,
  parseUserRecord,
  toUserRecord,
  type UserRecord,
} from '../../src/record/user-record';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { ApiUserSchema, type ApiUser } from '../../src/source/schema';

const UUID = '5f2b8c3e-1d4a-4e6f-9a7b-0c1d2e3f4a5b';
const slotTime = new Date('2025-03-01T10:00:10.000Z');
const fetchedAt = new Date('2025-03-01T10:00:10.250Z');

/** A minimal API user as the response schema accepts it; each case overrides what it tests. */
function apiUser(overrides: {
  title?: string;
  first?: string;
  last?: string;
  postcode?: string | number;
  latitude?: string;
  longitude?: string;
  street?: { number: number; name: string };
}): ApiUser {
  return ApiUserSchema.parse({
    gender: 'female',
    name: { title: overrides.title ?? 'Mrs', first: overrides.first ?? 'Antonida', last: overrides.last ?? 'Kaminska' },
    location: {
      street: overrides.street ?? { number: 7812, name: 'Provulok Pushkina' },
      city: 'Lviv',
      country: 'Ukraine',
      postcode: overrides.postcode ?? 12345,
      coordinates: { latitude: overrides.latitude ?? '-42.1817', longitude: overrides.longitude ?? '120.0001' },
    },
    email: 'antonida.kaminska@example.com',
    login: { uuid: UUID },
  });
}

describe('toUserRecord mapping', () => {
  it('maps the seed example field for field', () => {
    expect(toUserRecord(apiUser({}), { slotTime, fetchedAt })).toEqual<UserRecord>({
      schema_version: 1,
      id: UUID,
      full_name: 'Mrs. Antonida Kaminska',
      gender: 'female',
      location: '7812, Provulok Pushkina',
      city: 'Lviv',
      country: 'Ukraine',
      postcode: '12345',
      latitude: -42.1817,
      longitude: 120.0001,
      email: 'antonida.kaminska@example.com',
      slot_time: '2025-03-01T10:00:10.000Z',
      fetched_at: '2025-03-01T10:00:10.250Z',
    });
  });

  it.each<[string, Parameters<typeof apiUser>[0], Partial<UserRecord>]>([
    ['numeric postcode becomes text', { postcode: 12345 }, { postcode: '12345' }],
    ['numeric postcode keeps its digits', { postcode: 2600 }, { postcode: '2600' }],
    ['UK postcode kept as is', { postcode: 'EC1 1AA' }, { postcode: 'EC1 1AA' }],
    ['Canadian postcode kept as is', { postcode: 'K1A 0B1' }, { postcode: 'K1A 0B1' }],
    ['Dutch postcode kept as is', { postcode: '3067 KP' }, { postcode: '3067 KP' }],
    ['postcode with a leading zero kept as text', { postcode: '01067' }, { postcode: '01067' }],
    ['coordinates parsed from strings', { latitude: '-42.1817', longitude: '-73.9857' }, { latitude: -42.1817, longitude: -73.9857 }],
    ['integer and signed coordinates', { latitude: '0', longitude: '+180' }, { latitude: 0, longitude: 180 }],
    ['coordinate limits are inside the range', { latitude: '-90.0000', longitude: '-180.0000' }, { latitude: -90, longitude: -180 }],
    ['apostrophe in the last name', { title: 'Mr', first: 'Liam', last: "O'Brien" }, { full_name: "Mr. Liam O'Brien" }],
    ['hyphen and accents', { title: 'Monsieur', first: 'Jean-Luc', last: 'Lefèvre' }, { full_name: 'Monsieur. Jean-Luc Lefèvre' }],
    ['non-Latin letters', { title: 'Ms', first: 'Зоряна', last: 'Кравчук' }, { full_name: 'Ms. Зоряна Кравчук' }],
    ['Polish and Danish letters', { title: 'Miss', first: 'Åse', last: 'Kamińska-Ørsted' }, { full_name: 'Miss. Åse Kamińska-Ørsted' }],
    ['space inside a first name', { title: 'Mrs', first: 'Maria Eduarda', last: 'da Silva' }, { full_name: 'Mrs. Maria Eduarda da Silva' }],
    ['street name with an apostrophe', { street: { number: 5, name: "Rue de l'Abbé-Grégoire" } }, { location: "5, Rue de l'Abbé-Grégoire" }],
  ])('%s', (_case, overrides, expected) => {
    expect(toUserRecord(apiUser(overrides), { slotTime, fetchedAt })).toMatchObject(expected);
  });

  it.each<[string, Parameters<typeof apiUser>[0], string]>([
    ['latitude that is not a number', { latitude: 'abc' }, 'has latitude "abc" (expected a decimal number -90..90)'],
    ['empty latitude (Number("") would be 0)', { latitude: '' }, 'has latitude "" (expected a decimal number -90..90)'],
    ['latitude out of range', { latitude: '90.0001' }, 'has latitude "90.0001"'],
    ['longitude out of range', { longitude: '-180.5' }, 'has longitude "-180.5" (expected a decimal number -180..180)'],
    ['longitude in hex', { longitude: '0x1F' }, 'has longitude "0x1F"'],
    ['longitude in exponent form', { longitude: '1e3' }, 'has longitude "1e3"'],
    ['infinite latitude', { latitude: 'Infinity' }, 'has latitude "Infinity"'],
    ['NaN longitude', { longitude: 'NaN' }, 'has longitude "NaN"'],
  ])('rejects %s', (_case, overrides, message) => {
    const map = () => toUserRecord(apiUser(overrides), { slotTime, fetchedAt });
    expect(map).toThrow(UserMappingError);
    expect(map).toThrow(`user ${UUID} ${message}`);
  });

  it('rejects an invalid provenance date', () => {
    expect(() => toUserRecord(apiUser({}), { slotTime: new Date('nope'), fetchedAt })).toThrow(
      `user ${UUID} was given an invalid slotTime date`,
    );
  });

  it('does not change its input', () => {
    const user = apiUser({ postcode: 'EC1 1AA' });
    const before = structuredClone(user);
    toUserRecord(user, { slotTime, fetchedAt });
    expect(user).toEqual(before);
  });

  it('maps every user the generator makes', () => {
    const users = generateUsers({ seed: 'every', page: 1, results: 1000 });
    const records = users.map((user) => toUserRecord(user, { slotTime, fetchedAt }));
    expect(records.every((r) => typeof r.postcode === 'string')).toBe(true);
    expect(new Set(records.map((r) => r.id)).size).toBe(1000);
  });
});

describe('missing and null API fields are rejected at the response boundary', () => {
  const valid = generateUsers({ seed: 'boundary', page: 1, results: 1 })[0]!;

  it.each<[string, (user: Record<string, any>) => void, string]>([
    ['missing login.uuid', (u) => delete u.login.uuid, 'login.uuid'],
    ['null name.first', (u) => (u.name.first = null), 'name.first'],
    ['empty name.last', (u) => (u.name.last = ''), 'name.last'],
    ['missing email', (u) => delete u.email, 'email'],
    ['null postcode', (u) => (u.location.postcode = null), 'location.postcode'],
    ['empty postcode', (u) => (u.location.postcode = ''), 'location.postcode'],
    ['numeric latitude', (u) => (u.location.coordinates.latitude = -42.18), 'location.coordinates.latitude'],
    ['missing street number', (u) => delete u.location.street.number, 'location.street.number'],
    ['missing city', (u) => delete u.location.city, 'location.city'],
  ])('%s', (_case, breakUser, path) => {
    const user = structuredClone(valid) as Record<string, any>;
    breakUser(user);
    const parsed = ApiUserSchema.safeParse(user);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join('.')).toBe(path);
  });

  it.each<[string, (user: Record<string, any>) => void]>([
    ['null id.value', (u) => (u.id.value = null)],
    ['missing picture, dob and phone', (u) => (delete u.picture, delete u.dob, delete u.phone)],
    ['extra fields the real API may add', (u) => ((u.location.extra = 1), (u.brandNew = { x: 1 }))],
    ['missing state and timezone', (u) => (delete u.location.state, delete u.location.timezone)],
  ])('tolerates %s', (_case, change) => {
    const user = structuredClone(valid) as Record<string, any>;
    change(user);
    expect(ApiUserSchema.safeParse(user).success).toBe(true);
  });
});

describe('parseUserRecord', () => {
  const record = toUserRecord(apiUser({ postcode: 'EC1 1AA' }), { slotTime, fetchedAt });
  const encode = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  const withField = (field: string, value: unknown): Buffer => encode({ ...record, [field]: value });
  const without = (field: string): Buffer => {
    const copy: Record<string, unknown> = { ...record };
    delete copy[field];
    return encode(copy);
  };

  it('reads back what toUserRecord produced', () => {
    expect(parseUserRecord(encode(record))).toEqual({ ok: true, record });
    expect(CURRENT_SCHEMA_VERSION).toBe(1);
  });

  it.each<[string, Buffer | null, string]>([
    ['null value (tombstone)', null, 'message has no value (expected a JSON user record)'],
    ['empty value', Buffer.alloc(0), 'message value is not JSON'],
    ['not JSON', Buffer.from('hello\nworld'), 'message value is not JSON'],
    ['a value over the size cap', withField('padding', 'x'.repeat(70 * 1024)), 'bytes, over the 65536-byte cap of a user record'],
    ['a JSON array', encode([record]), 'message value is [{'],
    ['a JSON string', encode('hi'), 'message value is "hi" (expected a JSON object)'],
    ['JSON null', Buffer.from('null'), 'message value is null (expected a JSON object)'],
    ['unknown schema_version', withField('schema_version', 7), 'unknown schema_version 7 (expected 1)'],
    ['schema_version as a string', withField('schema_version', '1'), 'unknown schema_version "1" (expected 1)'],
    ['missing schema_version', without('schema_version'), 'missing schema_version (expected 1)'],
    ['latitude as a string', withField('latitude', '12.5'), 'latitude is "12.5" (expected number)'],
    ['latitude out of range', withField('latitude', 91), 'latitude is 91 (expected at most 90)'],
    ['longitude out of range', withField('longitude', -181), 'longitude is -181 (expected at least -180)'],
    ['postcode as a number', withField('postcode', 12345), 'postcode is 12345 (expected string)'],
    ['null email', withField('email', null), 'email is null (expected string)'],
    ['missing city', without('city'), 'city is missing (expected string)'],
    ['empty full_name', withField('full_name', ''), 'full_name is "" (expected a non-empty string)'],
    ['id that is not a uuid', withField('id', 'abc'), 'id is "abc" (expected a uuid)'],
    ['slot_time that is not a time', withField('slot_time', 'yesterday'), 'slot_time is "yesterday" (expected an ISO-8601 UTC time)'],
    ['an extra field', withField('nickname', 'Toni'), 'unexpected field "nickname" (not in schema_version 1)'],
  ])('%s → not ok', (_case, bytes, reason) => {
    const parsed = parseUserRecord(bytes);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toContain(reason);
    expect(parsed.reason).not.toContain('\n');
  });
});

describe('the plain record check (the consumer fast path)', () => {
  const now = new Date('2026-11-24T12:00:00.000Z');
  const valid = generateUsers({ seed: 'plain-check', page: 1, results: 50 }).map((u) => JSON.parse(JSON.stringify(toUserRecord(u, { slotTime: now, fetchedAt: now }))) as Record<string, unknown>);

  it('accepts the records the pipeline publishes, so they skip zod', () => {
    for (const record of valid) expect(isPlainUserRecord(record)).toBe(true);
  });

  // Values that probe each rule: types, emptiness, ranges, uuid and datetime forms.
  const probes: unknown[] = [
    undefined, null, true, 0, -0, 1, -1, 90, 90.0001, -90.0001, 180, 180.5, -181, 1e308, '', ' ', 'x', '1', '12.5', [], {},
    '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '5f2b8c3e-1d4a-4e6f-9a7b-0c1d2e3f4a5b',
    '5F2B8C3E-1D4A-4E6F-9A7B-0C1D2E3F4A5B', '5f2b8c3e-1d4a-0e6f-9a7b-0c1d2e3f4a5b', '5f2b8c3e-1d4a-4e6f-7a7b-0c1d2e3f4a5b', '5f2b8c3e1d4a4e6f9a7b0c1d2e3f4a5b',
    '2026-11-24T12:00:00Z', '2026-11-24T12:00:00.123456Z', '2026-11-24T12:00:00+01:00', '2026-11-24T12:00:00', '2026-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z', '2026-11-24', '2026-11-24T24:00:00Z', '2026-13-01T00:00:00Z',
  ];

  it('never accepts what UserRecordSchema rejects (every field set to every probe, fields dropped and added)', () => {
    const base = valid[0]!;
    const candidates: unknown[] = [];
    for (const field of [...Object.keys(base), 'nickname', '__proto__', 'constructor']) {
      for (const probe of probes) candidates.push({ ...base, [field]: probe });
      const { [field]: _dropped, ...without } = base;
      candidates.push(without);
    }
    candidates.push(JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(base).slice(1)}`), Object.assign(Object.create(null), base), Object.assign(Object.create({ extra: 1 }), base));
    let accepted = 0;
    for (const candidate of candidates) {
      if (candidate === null || typeof candidate !== 'object') continue;
      const plain = isPlainUserRecord(candidate);
      if (plain) {
        accepted++;
        expect({ candidate, zod: UserRecordSchema.safeParse(candidate).success }).toEqual({ candidate, zod: true });
      }
    }
    expect(accepted).toBeGreaterThan(20); // the probes include valid values too
  });

  it('checks every field the schema declares, from the same declaration', () => {
    const base = valid[0]!;
    expect(Object.keys(base).sort()).toEqual(Object.keys(UserRecordSchema.shape).sort());
    for (const field of Object.keys(UserRecordSchema.shape)) {
      expect({ field, plain: isPlainUserRecord({ ...base, [field]: null }) }).toEqual({ field, plain: false });
    }
  });

  it('leaves the reason for a rejected record to zod, unchanged', () => {
    const bad = { ...valid[0]!, latitude: '12.5' };
    expect(parseUserRecord(Buffer.from(JSON.stringify(bad)))).toEqual({ ok: false, reason: 'latitude is "12.5" (expected number)' });
  });
});
