import { NATIONALITIES, generateUsers } from '../../src/dev/fake-source/generator';
import { ApiResponseSchema, type ApiResponse, type ApiUser } from '../../src/source/schema';
import { startSourceServer, type SourceServer } from '../../src/dev/fake-source/server';

let server: SourceServer;
beforeAll(async () => {
  server = await startSourceServer({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
});

async function get(query: string, path = ''): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const base = new URL(server.url);
  const url = path === '' ? `${server.url}?${query}` : `${base.origin}${path}?${query}`;
  const response = await fetch(url);
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.json() };
}

async function getUsers(query: string): Promise<ApiResponse> {
  const { status, contentType, body } = await get(query);
  expect(status).toBe(200);
  expect(contentType).toMatch(/^application\/json/);
  return ApiResponseSchema.parse(body);
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('startSourceServer', () => {
  it('listens on an ephemeral port and reports an /api/ url', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect(server.url).not.toContain(':0/');
  });

  it('answers with the real API shape and info built from the query', async () => {
    const response = await getUsers('results=3&seed=shape&page=2');
    expect(response.results).toHaveLength(3);
    expect(response.info).toEqual({ seed: 'shape', results: 3, page: 2, version: '1.4' });
  });

  it.each([
    ['same seed and page', 'seed=alpha&page=1&results=5', 'seed=alpha&page=1&results=5', true],
    ['different seed', 'seed=alpha&page=1&results=5', 'seed=beta&page=1&results=5', false],
    ['different page', 'seed=alpha&page=1&results=5', 'seed=alpha&page=2&results=5', false],
    ['different nat', 'seed=alpha&results=5&nat=us', 'seed=alpha&results=5&nat=gb', false],
  ])('%s → identical: %p', async (_case, first, second, identical) => {
    const a = await getUsers(first);
    const b = await getUsers(second);
    if (identical) {
      expect(b.results).toEqual(a.results);
    } else {
      const uuidsA = new Set(a.results.map((u) => u.login.uuid));
      expect(b.results.some((u) => uuidsA.has(u.login.uuid))).toBe(false);
    }
  });

  it('nat order and case do not change the users', async () => {
    const a = await getUsers('seed=order&results=10&nat=gb,nl');
    const b = await getUsers('seed=order&results=10&nat=NL, Gb');
    expect(b.results).toEqual(a.results);
  });

  it('makes up a seed when none is given and returns it, so the page can be replayed', async () => {
    const first = await getUsers('results=4');
    const second = await getUsers('results=4');
    expect(first.info.seed).toMatch(/^[0-9a-f]{16}$/);
    expect(second.info.seed).not.toBe(first.info.seed);
    const replay = await getUsers(`results=4&seed=${first.info.seed}`);
    expect(replay.results).toEqual(first.results);
  });

  it.each([
    ['', 1],
    ['results=1', 1],
    ['results=5000', 5000],
    ['results=', 1],
  ])('results bound: %p → %p users', async (query, count) => {
    const response = await getUsers(`seed=bounds&${query}`);
    expect(response.results).toHaveLength(count);
    expect(response.info.results).toBe(count);
  });

  it.each([
    ['results=0', 'results="0" is invalid (expected an integer 1..5000)'],
    ['results=5001', 'results="5001" is invalid (expected an integer 1..5000)'],
    ['results=-1', 'results="-1" is invalid'],
    ['results=1.5', 'results="1.5" is invalid'],
    ['results=abc', 'results="abc" is invalid'],
    ['page=0', 'page="0" is invalid (expected an integer from 1)'],
    ['page=two', 'page="two" is invalid'],
    ['nat=xx', 'nat="xx" names unknown nationality "xx"'],
    ['nat=us,zz', 'nat="us,zz" names unknown nationality "zz"'],
  ])('rejects %p with HTTP 400 and an {"error"} body', async (query, message) => {
    const { status, contentType, body } = await get(query);
    expect(status).toBe(400);
    expect(contentType).toMatch(/^application\/json/);
    expect(body).toEqual({ error: expect.stringContaining(message) });
  });

  it.each([
    ['gb', ['GB']],
    ['us,FR', ['FR', 'US']],
    [' ca , nl ', ['CA', 'NL']],
  ])('nat=%p gives only those nationalities', async (nat, expected) => {
    const response = await getUsers(`seed=nat&results=200&nat=${encodeURIComponent(nat)}`);
    expect([...new Set(response.results.map((u) => u.nat))].sort()).toEqual(expected);
  });

  it.each([
    ['/api', 200],
    ['/api/', 200],
    ['/', 404],
    ['/api/users', 404],
  ])('GET %s → HTTP %p', async (path, status) => {
    const response = await get('seed=paths', path);
    expect(response.status).toBe(status);
    if (status === 404) expect(response.body).toEqual({ error: expect.stringContaining('no such endpoint') });
  });

  it('refuses methods other than GET with a JSON error', async () => {
    const response = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: expect.stringContaining('method POST is not allowed') });
  });
});

describe('generated users over 500 people', () => {
  let users: ApiUser[];
  beforeAll(async () => {
    users = (await getUsers('seed=variety&results=500')).results;
  });

  it('include numeric and string postcodes', () => {
    expect(users.some((u) => typeof u.location.postcode === 'number')).toBe(true);
    expect(users.some((u) => typeof u.location.postcode === 'string')).toBe(true);
  });

  it('include a null id.value', () => {
    expect(users.some((u) => u.id?.value === null)).toBe(true);
    expect(users.some((u) => typeof u.id?.value === 'string')).toBe(true);
  });

  it('cover every nationality', () => {
    expect(new Set(users.map((u) => u.nat))).toEqual(new Set(NATIONALITIES));
  });

  it('include names with apostrophes, hyphens and non-ASCII letters', () => {
    const names = users.flatMap((u) => [u.name.first, u.name.last]);
    expect(names.some((n) => n.includes("'"))).toBe(true);
    expect(names.some((n) => n.includes('-'))).toBe(true);
    expect(names.some((n) => /[^\x00-\x7f]/.test(n))).toBe(true);
  });

  it.each<[string, (postcode: string | number) => boolean]>([
    ['US', (p) => typeof p === 'number' && p >= 10000 && p <= 99999],
    ['DE', (p) => typeof p === 'number' && String(p).length === 5],
    ['AU', (p) => typeof p === 'number' && String(p).length === 4],
    ['GB', (p) => typeof p === 'string' && /^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/.test(p)],
    ['CA', (p) => typeof p === 'string' && /^[A-Z]\d[A-Z] \d[A-Z]\d$/.test(p)],
    ['NL', (p) => typeof p === 'string' && /^\d{4} [A-Z]{2}$/.test(p)],
  ])('%s postcodes have the real format', (nat, isValid) => {
    const ofNat = users.filter((u) => u.nat === nat);
    expect(ofNat.length).toBeGreaterThan(0);
    for (const user of ofNat) expect([user.location.postcode, isValid(user.location.postcode)]).toEqual([user.location.postcode, true]);
  });

  it('have v4 uuids, string coordinates in range and first.last emails', () => {
    for (const user of users) {
      expect(user.login.uuid).toMatch(UUID_V4);
      const { latitude, longitude } = user.location.coordinates;
      expect(latitude).toMatch(/^-?\d{1,2}\.\d{4}$/);
      expect(Math.abs(Number(latitude))).toBeLessThanOrEqual(90);
      expect(Math.abs(Number(longitude))).toBeLessThanOrEqual(180);
      expect(user.email).toMatch(/^[^@\s']+\.[^@\s']+@example\.com$/);
      expect(user.email.startsWith(user.name.first.toLowerCase().replace(/[\s']/g, ''))).toBe(true);
    }
  });
});

describe('generateUsers (pure)', () => {
  it('returns the same users for the same input and never repeats a uuid', () => {
    const input = { seed: 'pure', page: 7, results: 5000 };
    const first = generateUsers(input);
    expect(generateUsers(input)).toEqual(first);
    expect(new Set(first.map((u) => u.login.uuid)).size).toBe(5000);
  });

  it('user i of a page does not depend on how many users were asked for', () => {
    const few = generateUsers({ seed: 'prefix', page: 1, results: 3 });
    const many = generateUsers({ seed: 'prefix', page: 1, results: 30 });
    expect(many.slice(0, 3)).toEqual(few);
  });

  it('answers an empty request with no users and rejects impossible ones', () => {
    expect(generateUsers({ seed: 's', page: 1, results: 0 })).toEqual([]);
    expect(() => generateUsers({ seed: 's', page: 0, results: 1 })).toThrow('page=0 is not a page number');
    expect(() => generateUsers({ seed: 's', page: 1, results: -1 })).toThrow('results=-1 is not a count of users');
  });
});
