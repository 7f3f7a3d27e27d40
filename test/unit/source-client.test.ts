import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSourceClient } from '../../src/source/client';
import {
  SourceBodyTooLargeError,
  SourceHttpError,
  SourceInvalidResponseError,
  SourceNetworkError,
  SourceTimeoutError,
  parseRetryAfterMs,
} from '../../src/source/errors';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { startSourceServer } from '../../src/dev/fake-source/server';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A throwaway HTTP server on 127.0.0.1 that answers the way a misbehaving API would. */
async function serve(handler: Handler): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function json(status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): Handler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

const validUser = generateUsers({ seed: 'client-fixture', page: 1, results: 1, nat: ['GB'] })[0]!;
const info = { seed: 'client-fixture', results: 1, page: 1, version: '1.4' };

const TIMEOUT_MS = 400;
const CAP_BYTES = 2048;

describe('createSourceClient → fetchPage failures', () => {
  it.each<{
    case: string;
    handler: Handler;
    errorClass: new (...args: never[]) => Error;
    retryable: boolean;
    message: string;
  }>([
    {
      case: '{"error": ...} body with HTTP 200',
      handler: json(200, { error: 'Uh oh, something has gone wrong.' }),
      errorClass: SourceInvalidResponseError,
      retryable: true,
      message: 'the API reported an error: "Uh oh, something has gone wrong."',
    },
    {
      case: 'HTML instead of JSON',
      handler: (_q, r) => {
        r.writeHead(200, { 'content-type': 'text/html' });
        r.end('<!DOCTYPE html>\n<html>\n<body>Bad gateway</body>\n</html>');
      },
      errorClass: SourceInvalidResponseError,
      retryable: true,
      message: 'body is not JSON (Unexpected token \'<\'',
    },
    {
      case: 'truncated JSON',
      handler: json(200, '{"results":[{"gender":"male","name":{"title":"Mr"'),
      errorClass: SourceInvalidResponseError,
      retryable: true,
      message: 'starts with "{"results":[{"gender"',
    },
    {
      case: 'empty results',
      handler: json(200, { results: [], info }),
      errorClass: SourceInvalidResponseError,
      retryable: true,
      message: 'it holds 0 users (expected 1)',
    },
    {
      case: 'HTTP 500',
      handler: json(500, 'Internal Server Error'),
      errorClass: SourceHttpError,
      retryable: true,
      message: 'answered HTTP 500 for',
    },
    {
      case: 'HTTP 503 with an {"error"} body',
      handler: json(503, { error: 'Uh oh' }),
      errorClass: SourceHttpError,
      retryable: true,
      message: 'HTTP 503 saying "Uh oh"',
    },
    {
      case: 'HTTP 429 with Retry-After: 3',
      handler: json(429, { error: 'slow down' }, { 'retry-after': '3' }),
      errorClass: SourceHttpError,
      retryable: true,
      message: 'retry after 3000 ms',
    },
    {
      case: 'HTTP 404',
      handler: json(404, { error: 'no such endpoint' }),
      errorClass: SourceHttpError,
      retryable: false,
      message: 'HTTP 404',
    },
    {
      case: 'a body over the cap with Content-Length',
      handler: json(200, 'x'.repeat(CAP_BYTES + 1)),
      errorClass: SourceBodyTooLargeError,
      retryable: false,
      message: `larger than ${CAP_BYTES} bytes`,
    },
    {
      case: 'a chunked body that grows past the cap',
      handler: (_q, r) => {
        r.writeHead(200, { 'content-type': 'application/json' });
        // Keeps writing: the client must stop reading at the cap, not wait for the end.
        const timer = setInterval(() => r.write('x'.repeat(512)), 5);
        r.on('close', () => clearInterval(timer));
      },
      errorClass: SourceBodyTooLargeError,
      retryable: false,
      message: `larger than ${CAP_BYTES} bytes`,
    },
    {
      case: 'a body that never ends',
      handler: (_q, r) => {
        r.writeHead(200, { 'content-type': 'application/json' });
        r.write('{"results":[');
      },
      errorClass: SourceTimeoutError,
      retryable: true,
      message: `within ${TIMEOUT_MS} ms`,
    },
    {
      case: 'no answer at all',
      handler: () => undefined,
      errorClass: SourceTimeoutError,
      retryable: true,
      message: `within ${TIMEOUT_MS} ms`,
    },
    {
      case: 'connection reset before the headers',
      handler: (q) => q.socket.destroy(),
      errorClass: SourceNetworkError,
      retryable: true,
      message: 'could not get an answer from random user API at http://127.0.0.1',
    },
    {
      case: 'connection reset in the middle of the body',
      handler: (q, r) => {
        r.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
        r.write('{"results":[', () => q.socket.destroy());
      },
      errorClass: SourceNetworkError,
      retryable: true,
      message: 'could not get an answer from random user API',
    },
  ])('$case → $errorClass.name (retryable: $retryable)', async ({ handler, errorClass, retryable, message }) => {
    const server = await serve(handler);
    try {
      const client = createSourceClient({ url: server.url, timeoutMs: TIMEOUT_MS, maxResponseBytes: CAP_BYTES });
      const error = await client.fetchPage({ results: 1, seed: 'x' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(errorClass);
      const failure = error as Error & { retryable: boolean };
      expect(failure.retryable).toBe(retryable);
      expect(failure.message).toContain(message);
      expect(failure.message).not.toContain('\n');
    } finally {
      await server.close();
    }
  });

  it('carries Retry-After as retryAfterMs and the status on the error', async () => {
    const server = await serve(json(429, { error: 'slow down' }, { 'retry-after': '3' }));
    try {
      const client = createSourceClient({ url: server.url, timeoutMs: TIMEOUT_MS, maxResponseBytes: CAP_BYTES });
      const error = await client.fetchPage({ results: 1, seed: 'x' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 429, retryAfterMs: 3000, retryable: true });
    } finally {
      await server.close();
    }
  });
});

describe('createSourceClient → query validation', () => {
  it.each([0, -1, 5001, 1.5, Number.NaN])('rejects results=%p before sending any request', async (results) => {
    const server = await serve(json(200, { results: [validUser], info }));
    try {
      const client = createSourceClient({ url: server.url, timeoutMs: TIMEOUT_MS, maxResponseBytes: CAP_BYTES });
      await expect(client.fetchPage({ results, seed: 'x' })).rejects.toThrow(/expected an integer 1\.\.5000/);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('sends results, seed, page and comma-joined nat', async () => {
    const server = await serve(json(200, { results: [validUser], info }));
    try {
      const client = createSourceClient({ url: server.url, timeoutMs: 2000, maxResponseBytes: 1_000_000 });
      await client.fetchPage({ results: 1, seed: 'a b&c', page: 3, nat: ['GB', 'NL'] });
      const sent = new URL(server.requests[0]!, 'http://x');
      expect(sent.pathname).toBe('/api/');
      expect(Object.fromEntries(sent.searchParams)).toEqual({ results: '1', seed: 'a b&c', page: '3', nat: 'GB,NL' });
    } finally {
      await server.close();
    }
  });
});

describe('createSourceClient against the local randomuser-compatible server', () => {
  it('returns the requested number of validated users, with the nat filter applied', async () => {
    const server = await startSourceServer({ host: '127.0.0.1', port: 0 });
    try {
      const client = createSourceClient({ url: server.url, timeoutMs: 5000, maxResponseBytes: 5_000_000 });
      const { users } = (await client.fetchPage({ results: 25, seed: 'client-happy', page: 2, nat: ['ca', 'nl'] })) as { users: { nat: string }[] };
      expect(users).toHaveLength(25);
      expect(new Set(users.map((u) => u.nat))).toEqual(new Set(['CA', 'NL']));
      expect(users).toEqual(generateUsers({ seed: 'client-happy', page: 2, results: 25, nat: ['CA', 'NL'] }));
    } finally {
      await server.close();
    }
  });

  it('turns a 400 from the server into a non-retryable SourceHttpError carrying its message', async () => {
    const server = await startSourceServer({ port: 0 });
    try {
      const client = createSourceClient({ url: server.url, timeoutMs: 5000, maxResponseBytes: 1_000_000 });
      const error = await client.fetchPage({ results: 1, seed: 'x', nat: ['ZZ'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceHttpError);
      expect(error).toMatchObject({ status: 400, retryable: false });
      expect((error as Error).message).toContain('unknown nationality "ZZ"');
    } finally {
      await server.close();
    }
  });

  it('reports a refused connection as a retryable SourceNetworkError', async () => {
    const server = await startSourceServer({ port: 0 });
    await server.close();
    const client = createSourceClient({ url: server.url, timeoutMs: 2000, maxResponseBytes: 1_000_000 });
    const error = await client.fetchPage({ results: 1, seed: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceNetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each<[string | null, number | undefined]>([
    ['3', 3000],
    ['0', 0],
    [' 120 ', 120_000],
    ['Wed, 01 Jan 2025 00:00:10 GMT', 10_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('%p → %p', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});

describe('createSourceClient → a page with a bad user', () => {
  it('returns the page whole: users are checked one by one after the envelope (record/source-reject.ts)', async () => {
    const bad = { ...structuredClone(validUser), login: { uuid: 'not-a-uuid' } };
    const server = await serve(json(200, { results: [validUser, bad], info: { ...info, results: 2 } }));
    try {
      const client = createSourceClient({ url: server.url, timeoutMs: 2000, maxResponseBytes: 1_000_000 });
      const page = await client.fetchPage({ results: 2, seed: 'x' });
      expect(page.users).toEqual([validUser, bad]);
      expect(page.url).toBe(`${server.url}?results=2&seed=x`);
    } finally {
      await server.close();
    }
  });

  it('refuses an envelope without a results array, retryably', async () => {
    const server = await serve(json(200, { results: 'none', info }));
    try {
      const client = createSourceClient({ url: server.url, timeoutMs: 2000, maxResponseBytes: 1_000_000 });
      const error = await client.fetchPage({ results: 1, seed: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceInvalidResponseError);
      expect(error).toMatchObject({ retryable: true });
      expect((error as Error).message).toContain('results is "none"');
    } finally {
      await server.close();
    }
  });
});
