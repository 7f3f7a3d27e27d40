import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { NATIONALITIES, generateUsers, isNationality, type Nationality } from './generator';
import type { ApiResponse } from '../../source/schema';

/**
 * A local stand-in for https://randomuser.me/api/ (our machines have no internet): same query
 * parameters, same response shape, same `{"error": "..."}` failures, users from the deterministic generator.
 */

export const API_VERSION = '1.4';
const MAX_RESULTS = 5000;

export interface SourceServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Told of every successful answer: which users it served for which seed and page (for audits). */
  onServed?: (served: { seed: string; page: number; ids: string[] }) => void;
  /** Answers only after this long, as a slow upstream would. */
  delayMs?: number;
}

export interface SourceServer {
  /** e.g. `http://127.0.0.1:8088/api/` */
  url: string;
  close(): Promise<void>;
}

const EXPECTED: Record<string, string> = {
  results: `an integer 1..${MAX_RESULTS}`,
  page: 'an integer from 1',
  nat: `a comma-separated list of ${NATIONALITIES.join(', ')}`,
};

const WholeNumber = z.string().regex(/^\d+$/).transform(Number);

// Empty parameters count as absent, as with `?seed=` on the real API.
const UsersQuerySchema = z.object({
  results: WholeNumber.pipe(z.number().int().min(1).max(MAX_RESULTS)).optional(),
  page: WholeNumber.pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)).optional(),
  seed: z.string().optional(),
  nat: z
    .string()
    .transform((list) => list.split(',').map((code) => code.trim().toUpperCase()).filter((code) => code !== ''))
    .refine((codes) => codes.every(isNationality))
    .transform((codes) => codes as Nationality[])
    .optional(),
});

type UsersQuery = z.infer<typeof UsersQuerySchema>;

export async function startSourceServer(options: SourceServerOptions = {}): Promise<SourceServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((request, response) => {
    if (options.delayMs) setTimeout(() => answer(request, response, options.onServed), options.delayMs);
    else answer(request, response, options.onServed);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/api/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

function answer(request: http.IncomingMessage, response: http.ServerResponse, onServed: SourceServerOptions['onServed']): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname !== '/api' && url.pathname !== '/api/') {
    sendJson(response, 404, { error: `no such endpoint ${url.pathname} (expected /api/)` });
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    sendJson(response, 405, { error: `method ${request.method ?? '?'} is not allowed on /api/ (expected GET)` });
    return;
  }

  const parsed = parseUsersQuery(url.searchParams);
  if (!parsed.ok) {
    sendJson(response, 400, { error: parsed.error });
    return;
  }

  const seed = parsed.query.seed ?? randomBytes(8).toString('hex');
  const page = parsed.query.page ?? 1;
  const results = generateUsers({ seed, page, results: parsed.query.results ?? 1, nat: parsed.query.nat });
  const body: ApiResponse = { results, info: { seed, results: results.length, page, version: API_VERSION } };
  sendJson(response, 200, body, request.method === 'HEAD');
  if (request.method === 'GET') onServed?.({ seed, page, ids: results.map((u) => u.login.uuid) });
}

function parseUsersQuery(params: URLSearchParams): { ok: true; query: UsersQuery } | { ok: false; error: string } {
  const raw: Record<string, string> = {};
  for (const name of ['results', 'page', 'seed', 'nat']) {
    const value = params.get(name);
    if (value !== null && value !== '') raw[name] = value;
  }
  const parsed = UsersQuerySchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const name = String(parsed.error.issues[0]?.path[0] ?? '?');
  const value = raw[name] ?? '';
  const unknown =
    name === 'nat' ? value.split(',').find((code) => code.trim() !== '' && !isNationality(code.trim().toUpperCase())) : undefined;
  const what = unknown === undefined ? 'is invalid' : `names unknown nationality ${JSON.stringify(unknown.trim())}`;
  return { ok: false, error: `${name}=${JSON.stringify(value)} ${what} (expected ${EXPECTED[name] ?? 'a valid value'})` };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headOnly = false): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
  response.end(headOnly ? undefined : bytes);
}
