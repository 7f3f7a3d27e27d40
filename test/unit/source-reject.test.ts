import { generateUsers } from '../../src/dev/fake-source/generator';
import { sourceRejectKey, toSourceRejectLetter, DLQ_HEADER, REJECT_HEADER } from '../../src/kafka/dead-letter';
import { cutUtf8, MAX_REJECT_RAW_BYTES, PAGE_PART_BYTES, splitPage, type SplitPage } from '../../src/record/source-reject';
import { MAX_RECORD_BYTES, parseUserRecord } from '../../src/record/user-record';

const users = generateUsers({ seed: 'split', page: 1, results: 6 }) as unknown as Record<string, any>[];
const provenance = { page: 2, sourceUrl: 'http://127.0.0.1:8088/api/?results=6&seed=s&page=2', slotTime: new Date('2026-12-04T10:00:00Z'), fetchedAt: new Date('2026-12-04T10:00:01Z') };
const broken = (index: number, change: (user: Record<string, any>) => void) => {
  const copy = structuredClone(users);
  change(copy[index]!);
  return copy;
};

describe('splitPage: each user of a page on its own', () => {
  it.each<[string, (user: Record<string, any>) => void, string]>([
    ['a malformed login.uuid', (u) => (u.login.uuid = 'not-a-uuid'), 'login.uuid is "not-a-uuid" (Invalid UUID)'],
    ['a missing login', (u) => delete u.login, 'login is missing (Invalid input: expected object, received undefined)'],
    ['coordinates as numbers', (u) => (u.location.coordinates.latitude = 12.5), 'location.coordinates.latitude is 12.5 (Invalid input: expected string, received number)'],
    ['a latitude that is not a number', (u) => (u.location.coordinates.latitude = 'north'), 'has latitude "north" (expected a decimal number -90..90)'],
    ['an empty city', (u) => (u.location.city = ''), 'location.city is "" (Too small: expected string to have >=1 characters)'],
    ['an empty object', (u) => Object.keys(u).forEach((k) => delete u[k]), 'gender is missing'],
  ])('%s: only that user is rejected, with the first issue and its path', (_case, change, reason) => {
    const page = broken(3, change);
    const split = splitPage(page, 6, provenance);
    expect(split.records.map((r) => r.id)).toEqual(users.filter((_, i) => i !== 3).map((u) => u.login.uuid));
    expect(split.rejects).toHaveLength(1);
    const [reject] = split.rejects;
    expect(reject!.reason).toContain(reason);
    expect(reject!.reason).not.toContain('\n');
    expect(reject).toMatchObject({ page: 2, index: 3, sourceUrl: provenance.sourceUrl, fetchedAt: '2026-12-04T10:00:01.000Z' });
    expect(JSON.parse(reject!.raw)).toEqual(page[3]);
    expect(reject!.rawBytes).toBe(Buffer.byteLength(reject!.raw));
  });

  it('looks only at the users the slot takes: a bad user past take fails nothing', () => {
    const split = splitPage(broken(5, (u) => (u.login.uuid = 'bad')), 4, provenance);
    expect(split.records).toHaveLength(4);
    expect(split.rejects).toEqual([]);
  });

  it('keeps the uuid a reject carried, even malformed, and none when it had none', () => {
    expect(splitPage(broken(0, (u) => (u.login.uuid = 'abc')), 1, provenance).rejects[0]!.uuid).toBe('abc');
    expect(splitPage(broken(0, (u) => (u.login = { uuid: 42 })), 1, provenance).rejects[0]!.uuid).toBeUndefined();
  });

  it('bounds the raw JSON it keeps, on a character boundary, and says how big the user was', () => {
    const huge = broken(0, (u) => {
      u.login.uuid = 'x';
      u.padding = 'é'.repeat(40_000);
    });
    const [reject] = splitPage(huge, 1, provenance).rejects;
    expect(Buffer.byteLength(reject!.raw)).toBeLessThanOrEqual(MAX_REJECT_RAW_BYTES);
    expect(Buffer.byteLength(reject!.raw)).toBeGreaterThan(MAX_REJECT_RAW_BYTES - 4);
    expect(reject!.raw).not.toContain('\uFFFD');
    expect(reject!.rawBytes).toBe(Buffer.byteLength(JSON.stringify(huge[0])));
    expect(cutUtf8('aé😀', 3)).toBe('aé');
    expect(cutUtf8('aé😀', 4)).toBe('aé');
    expect(cutUtf8('aé😀', 7)).toBe('aé😀');
  });

  it('writes real-world text as it came: apostrophes, combining marks, emoji, right-to-left scripts, long streets', () => {
    const street = `${'Rue de l’Église '.repeat(19)}`.slice(0, 300);
    const page = broken(0, (u) => {
      u.name = { title: 'Mr', first: "D'Arcy", last: 'Zoe\u0301 🦊' };
      u.location.street.name = street;
      u.location.city = 'القاهرة';
      u.location.country = 'ישראל';
    });
    const [record] = splitPage(page, 1, provenance).records;
    expect(record!.full_name).toBe("Mr. D'Arcy Zoe\u0301 🦊");
    expect(record!.location).toBe(`${page[0]!.location.street.number}, ${street}`);
    expect(street).toHaveLength(300);
    expect(record!.city).toBe('القاهرة');
    expect(record!.country).toBe('ישראל');
  });
});

describe('splitPage: users too large for a record or for one part', () => {
  const bigPage = generateUsers({ seed: 'parts', page: 1, results: 40 }) as unknown as Record<string, any>[];
  // About 60 KiB of text in each user's street: a valid record, 8 of them to a part.
  bigPage.forEach((user, i) => (user.location.street.name = `${i} ${'Long Avenue '.repeat(5000)}`));

  /** Every part of a page, as the slot workflow asks for them. */
  const parts = (page: unknown[], take: number, budget?: number): SplitPage[] => {
    const done: SplitPage[] = [];
    for (let from: number | undefined = 0; from !== undefined; from = done[done.length - 1]!.next) done.push(splitPage(page, take, provenance, from, budget));
    return done;
  };

  it('rejects a user whose record would pass the consumer\'s cap, and only that user', () => {
    const page = broken(2, (u) => (u.name.first = 'Ann'.repeat(30_000)));
    const split = splitPage(page, 6, provenance);
    expect(split.records.map((r) => r.id)).toEqual(users.filter((_, i) => i !== 2).map((u) => u.login.uuid));
    expect(split.rejects).toHaveLength(1);
    expect(split.rejects[0]!.reason).toMatch(new RegExp(`^user ${users[2]!.login.uuid} would be a record of 9\\d{4} bytes, over the ${MAX_RECORD_BYTES}-byte cap of a user record$`));
    expect(split.rejects[0]!.uuid).toBe(users[2]!.login.uuid);
    expect(split.next).toBeUndefined();
  });

  it('keeps a record at the cap, which the consumer takes', () => {
    const [record] = splitPage(bigPage, 1, provenance).records;
    const bytes = Buffer.byteLength(JSON.stringify(record));
    expect(bytes).toBeGreaterThan(50_000);
    expect(bytes).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    expect(parseUserRecord(Buffer.from(JSON.stringify(record))).ok).toBe(true);
  });

  it('cuts a page of large users into the fewest parts under the budget, every user once, in order', () => {
    const split = parts(bigPage, 40);
    const bytes = (records: readonly unknown[]) => records.reduce<number>((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0);
    expect(split.length).toBeGreaterThan(2);
    split.forEach((part, i) => {
      expect(bytes(part.records)).toBeLessThanOrEqual(PAGE_PART_BYTES);
      expect(part.rejects).toEqual([]);
      // Full: the next part's first user would not have fitted.
      if (i < split.length - 1) expect(bytes(part.records) + bytes(split[i + 1]!.records.slice(0, 1))).toBeGreaterThan(PAGE_PART_BYTES);
    });
    expect(split.flatMap((part) => part.records.map((r) => r.id))).toEqual(bigPage.map((u) => u.login.uuid));
    let start = 0;
    expect(split.map((part) => part.next)).toEqual(split.map((part, i) => (i < split.length - 1 ? (start += part.records.length) : undefined)));
  });

  it('counts rejects against the budget too, and keeps their page index across parts', () => {
    const page = structuredClone(bigPage);
    page[25]!.login.uuid = 'not-a-uuid';
    const split = parts(page, 30);
    expect(split.flatMap((part) => part.records)).toHaveLength(29);
    expect(split.flatMap((part) => part.rejects).map((r) => r.index)).toEqual([25]);
  });

  it('always moves on: a part holds at least one user, however small the budget', () => {
    const split = parts(bigPage.slice(0, 5), 5, 10);
    expect(split.map((part) => part.records.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('stops at take, and at a short page, with no next part', () => {
    expect(parts(bigPage, 20).flatMap((part) => part.records)).toHaveLength(20);
    expect(parts(bigPage.slice(0, 7), 1000).flatMap((part) => part.records)).toHaveLength(7);
  });

  it('leaves an ordinary page of 1 000 users in one part', () => {
    const page = generateUsers({ seed: 'ordinary', page: 1, results: 1000 }) as unknown[];
    const split = splitPage(page, 1000, provenance);
    expect(split.records).toHaveLength(1000);
    expect(split.next).toBeUndefined();
  });
});

describe('toSourceRejectLetter: the quarantined user on the dead-letter topic', () => {
  const slot = { workflowId: 'random-names-2026-12-04T10:00:00.000Z', runId: 'run-1', slotTime: '2026-12-04T10:00:00.000Z' };
  const [reject] = splitPage(broken(1, (u) => (u.login.uuid = 'nope')), 2, provenance).rejects;

  it('carries the raw user, the reason, the slot, the page, the source URL and the fetch time', () => {
    const letter = toSourceRejectLetter(reject!, slot, { 'pipeline-schedule-id': 'random-names' }, new Date('2026-12-04T10:00:02Z'));
    expect(letter.key).toBe('reject:random-names-2026-12-04T10:00:00.000Z:run-1:p2:1');
    expect(JSON.parse(String(letter.value)).login.uuid).toBe('nope');
    expect(letter.headers).toMatchObject({
      'pipeline-schedule-id': 'random-names',
      [REJECT_HEADER.kind]: 'source-reject',
      [DLQ_HEADER.reason]: reject!.reason,
      [REJECT_HEADER.sourceUrl]: provenance.sourceUrl,
      [REJECT_HEADER.slotTime]: slot.slotTime,
      [REJECT_HEADER.page]: '2',
      [REJECT_HEADER.index]: '1',
      [REJECT_HEADER.runId]: 'run-1',
      [REJECT_HEADER.fetchedAt]: '2026-12-04T10:00:01.000Z',
      [REJECT_HEADER.uuid]: 'nope',
    });
    expect(letter.headers).not.toHaveProperty(REJECT_HEADER.rawBytes);
  });

  it('has one key per run, page and position: another run of the slot rejects it anew', () => {
    expect(sourceRejectKey(slot, reject!)).toBe(sourceRejectKey(slot, { page: 2, index: 1 }));
    expect(sourceRejectKey({ ...slot, runId: 'run-2' }, reject!)).not.toBe(sourceRejectKey(slot, reject!));
  });
});
