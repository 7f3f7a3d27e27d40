import {
  SourceBodyTooLargeError,
  SourceHttpError,
  SourceInvalidResponseError,
  SourceNetworkError,
  SourceTimeoutError,
  parseRetryAfterMs,
  quote,
} from './errors';
import { describeFirstIssue } from './describe-issue';
import { ApiErrorSchema, ApiPageSchema } from './schema';

export const MAX_RESULTS_PER_REQUEST = 5000;

/** The `source` section of the settings, with the address resolved (SOURCE_URL, or the local server's). */
export interface SourceClientOptions {
  /** e.g. `https://randomuser.me/api/` or the local server's url. */
  url: string;
  /** Covers the whole exchange: connecting, headers and the complete body. */
  timeoutMs: number;
  maxResponseBytes: number;
  fetchImpl?: typeof fetch;
}

export interface UsersQuery {
  results: number;
  seed: string;
  page?: number;
  nat?: string[];
}

/** One page as it came: the envelope checked, each user still unchecked (see split-page.ts). */
export interface SourcePage {
  url: string;
  users: unknown[];
}

export interface SourceClient {
  fetchPage(query: UsersQuery): Promise<SourcePage>;
}

export function createSourceClient(options: SourceClientOptions): SourceClient {
  const baseUrl = new URL(options.url);
  const fetchImpl = options.fetchImpl ?? fetch;

  async function fetchPage(query: UsersQuery): Promise<SourcePage> {
    assertValidQuery(query);
    const url = buildUsersUrl(baseUrl, query);
    const body = await fetchBody(url, options.timeoutMs, options.maxResponseBytes, fetchImpl);
    const users = parseEnvelope(url, body);
    if (users.length === 0) {
      throw new SourceInvalidResponseError(url, `it holds 0 users (expected ${query.results})`);
    }
    return { url, users };
  }

  return { fetchPage };
}

function assertValidQuery(query: UsersQuery): void {
  if (!Number.isInteger(query.results) || query.results < 1 || query.results > MAX_RESULTS_PER_REQUEST) {
    throw new RangeError(`results=${query.results} is out of range (expected an integer 1..${MAX_RESULTS_PER_REQUEST})`);
  }
  if (query.page !== undefined && (!Number.isInteger(query.page) || query.page < 1)) {
    throw new RangeError(`page=${query.page} is not a page number (expected an integer from 1)`);
  }
}

function buildUsersUrl(baseUrl: URL, query: UsersQuery): string {
  const url = new URL(baseUrl);
  url.searchParams.set('results', String(query.results));
  url.searchParams.set('seed', query.seed);
  if (query.page !== undefined) url.searchParams.set('page', String(query.page));
  if (query.nat !== undefined && query.nat.length > 0) url.searchParams.set('nat', query.nat.join(','));
  return url.toString();
}

/** One GET under a single deadline, reading the body as a stream so an oversized answer is cut off early. */
async function fetchBody(url: string, timeoutMs: number, maxBytes: number, fetchImpl: typeof fetch): Promise<string> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);

  try {
    const response = await fetchImpl(url, { signal: controller.signal, headers: { accept: 'application/json' } });

    if (!response.ok) {
      // The error body may name the cause ({"error": "..."}); it is a bonus, so failing to read it is ignored.
      const body = await readCapped(response, Math.min(maxBytes, 4096)).catch(() => undefined);
      const apiMessage = body?.complete ? apiErrorMessage(body.text) : undefined;
      controller.abort();
      throw new SourceHttpError(url, response.status, parseRetryAfterMs(response.headers.get('retry-after')), apiMessage);
    }

    const declaredLength = Number(response.headers.get('content-length'));
    if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
      controller.abort();
      throw new SourceBodyTooLargeError(url, maxBytes, declaredLength);
    }

    const body = await readCapped(response, maxBytes);
    if (!body.complete) {
      controller.abort();
      throw new SourceBodyTooLargeError(url, maxBytes, body.receivedBytes);
    }
    return body.text;
  } catch (error) {
    if (error instanceof SourceHttpError || error instanceof SourceBodyTooLargeError) throw error;
    if (timedOut) throw new SourceTimeoutError(url, timeoutMs);
    throw new SourceNetworkError(url, describeNetworkFailure(error));
  } finally {
    clearTimeout(timer);
  }
}

type CappedBody = { complete: true; text: string } | { complete: false; receivedBytes: number };

/** The body as text, or how far it got once it passed maxBytes (the rest is not read). */
async function readCapped(response: Response, maxBytes: number): Promise<CappedBody> {
  if (response.body === null) return { complete: true, text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { complete: false, receivedBytes: received };
    }
    chunks.push(value);
  }
  return { complete: true, text: Buffer.concat(chunks).toString('utf8') };
}

/** The page's users, unchecked; throws when the page as a whole is unusable. */
function parseEnvelope(url: string, text: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = asErrorLike(error)?.message ?? String(error);
    throw new SourceInvalidResponseError(url, `body is not JSON (${reason}); it starts with ${quote(text, 60)}`);
  }

  const apiError = ApiErrorSchema.safeParse(json);
  if (apiError.success) {
    throw new SourceInvalidResponseError(url, `the API reported an error: ${quote(apiError.data.error)}`);
  }

  const parsed = ApiPageSchema.safeParse(json);
  if (!parsed.success) {
    throw new SourceInvalidResponseError(url, describeFirstIssue(parsed.error, json));
  }
  return parsed.data.results;
}

function apiErrorMessage(text: string): string | undefined {
  try {
    const parsed = ApiErrorSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Node's fetch wraps the socket error in `cause`; its code (ECONNRESET, ECONNREFUSED) is what a person needs.
 * Duck-typed rather than `instanceof Error`: fetch's errors can come from another realm (e.g. under jest).
 */
function describeNetworkFailure(error: unknown): string {
  const outer = asErrorLike(error);
  if (outer === undefined) return String(error);
  const cause = asErrorLike(outer.cause);
  if (cause === undefined) return outer.message;
  const code = typeof cause.code === 'string' ? cause.code : undefined;
  const detail = cause.message !== '' ? cause.message : outer.message;
  return code === undefined ? detail : `${code} (${detail})`;
}

function asErrorLike(value: unknown): { message: string; code?: unknown; cause?: unknown } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const candidate = value as { message?: unknown };
  return typeof candidate.message === 'string' ? (value as { message: string }) : undefined;
}
