import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateUsers } from '../../src/dev/fake-source/generator';

export type Hiccup = '503' | 'truncated' | 'silence';

/** What one page's good answer held: the valid users by uuid, the malformed ones as sent. */
export interface ServedPage {
  seed: string;
  page: number;
  valid: Set<string>;
  malformed: { index: number; json: string }[];
  /** Valid users whose text is real-world text (apostrophes, combining marks, emoji, RTL, long streets). */
  worldText: Map<string, { fullName: string; location: string; city: string }>;
}

const MALFORMATIONS: ((user: Record<string, any>) => void)[] = [
  (u) => (u.login.uuid = `not-a-uuid-${u.login.uuid.slice(0, 8)}`),
  (u) => delete u.name,
  (u) => (u.location.coordinates.latitude = 123.25),
  (u) => (u.email = 'no at sign'),
];

const WORLD_TEXT: ((user: Record<string, any>) => void)[] = [
  (u) => (u.name = { title: 'Ms', first: "O'Connor-D'Arcy", last: 'Zoe\u0301 Mu\u0308ller' }),
  (u) => (u.name = { title: 'Mr', first: 'Łukasz 🦊', last: '🇺🇦 Шевченко' }),
  (u) => Object.assign(u.location, { city: 'القاهرة', country: 'مصر' }),
  (u) => Object.assign(u.location, { city: 'ירושלים', street: { number: 7, name: `${'Kiryat ha-Memshala Boulevard '.repeat(11)}`.slice(0, 300) } }),
];

/** A stable number from text: which pages misbehave does not depend on timing. */
function hash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * A randomuser-compatible upstream that misbehaves the way public APIs do, deterministically per
 * (seed, page): one page in `malformedEvery` holds one malformed user, and the first request of some
 * pages hiccups (503 with Retry-After: 1, a body cut short, or `silenceMs` of silence). It logs what
 * each good answer held: the test's oracle.
 */
export async function startHostileSource(options: { malformedEvery: number; hiccupEvery: number; silenceMs: number }) {
  const served: ServedPage[] = [];
  const hiccups: { seed: string; page: number; hiccup: Hiccup }[] = [];
  const requests = new Map<string, number>();
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const seed = url.searchParams.get('seed') ?? 'x';
    const page = Number(url.searchParams.get('page') ?? 1);
    const results = Number(url.searchParams.get('results') ?? 1);
    const pageKey = `${seed}\u0000${page}`;
    const attempt = (requests.get(pageKey) ?? 0) + 1;
    requests.set(pageKey, attempt);
    const users = generateUsers({ seed, page, results }) as unknown as Record<string, any>[];
    const h = hash(pageKey);
    const json = { 'content-type': 'application/json; charset=utf-8' };

    const malformed: ServedPage['malformed'] = [];
    if (h % options.malformedEvery === 0) {
      const index = (h >>> 8) % users.length;
      MALFORMATIONS[(h >>> 16) % MALFORMATIONS.length]!(users[index]!);
      malformed.push({ index, json: JSON.stringify(users[index]) });
    }
    const worldText: ServedPage['worldText'] = new Map();
    users.forEach((user, index) => {
      if (malformed.some((m) => m.index === index) || index % 7 !== 3) return;
      WORLD_TEXT[(index + h) % WORLD_TEXT.length]!(user);
      const { name, location } = user;
      worldText.set(user.login.uuid, { fullName: `${name.title}. ${name.first} ${name.last}`, location: `${location.street.number}, ${location.street.name}`, city: location.city });
    });
    const body = JSON.stringify({ results: users, info: { seed, results: users.length, page, version: '1.4' } });

    // Which pages hiccup is up to the hash; their kinds take turns, so every kind shows up.
    const hiccup: Hiccup | undefined = attempt === 1 && (h >>> 4) % options.hiccupEvery === 0 ? (['503', 'truncated', 'silence'] as const)[hiccups.length % 3] : undefined;
    if (hiccup) hiccups.push({ seed, page, hiccup });
    switch (hiccup) {
      case '503':
        return void response.writeHead(503, { ...json, 'retry-after': '1' }).end('{"error":"Service Unavailable"}');
      case 'truncated':
        return void response.writeHead(200, json).end(body.slice(0, Math.floor(body.length / 3)));
      case 'silence': {
        open.add(response);
        const timer = setTimeout(() => response.destroy(), options.silenceMs);
        response.on('close', () => {
          clearTimeout(timer);
          open.delete(response);
        });
        return;
      }
      default:
        served.push({ seed, page, valid: new Set(users.filter((_, i) => !malformed.some((m) => m.index === i)).map((u) => u.login.uuid)), malformed, worldText });
        return void response.writeHead(200, json).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    served,
    hiccups,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of open) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
