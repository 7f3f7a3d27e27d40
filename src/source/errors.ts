/**
 * Ways a call to the random user API can fail. Each class says what happened and whether
 * trying again can help, so callers (Temporal retry policies) can decide without parsing text.
 */
export abstract class SourceError extends Error {
  abstract readonly retryable: boolean;

  constructor(message: string) {
    // Parts of these messages come from the wire (bodies, parser errors); logs need them on one line.
    super(message.replace(/\s*[\r\n]+\s*/g, ' '));
  }
}

/** The API answered with a status other than 2xx. Throttling (429) and server faults (5xx) pass; other 4xx will not. */
export class SourceHttpError extends SourceError {
  override name = 'SourceHttpError';
  readonly retryable: boolean;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly retryAfterMs?: number,
    readonly apiMessage?: string,
  ) {
    const said = apiMessage === undefined ? '' : ` saying ${quote(apiMessage)}`;
    const wait = retryAfterMs === undefined ? '' : `; retry after ${retryAfterMs} ms`;
    super(`random user API answered HTTP ${status}${said} for ${url} (expected 200)${wait}`);
    this.retryable = status === 429 || status >= 500;
  }
}

/** No complete answer within the time limit, whether the server never answered or its body never ended. */
export class SourceTimeoutError extends SourceError {
  override name = 'SourceTimeoutError';
  readonly retryable = true;

  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`random user API did not finish answering ${url} within ${timeoutMs} ms; it may be slow or unreachable`);
  }
}

/** The body grew past the cap; asking again returns the same size, so this is not retried. */
export class SourceBodyTooLargeError extends SourceError {
  override name = 'SourceBodyTooLargeError';
  readonly retryable = false;

  constructor(
    readonly url: string,
    readonly maxResponseBytes: number,
    readonly receivedBytes: number,
  ) {
    super(
      `random user API response from ${url} is larger than ${maxResponseBytes} bytes ` +
        `(stopped after ${receivedBytes}); ask for fewer results or raise maxResponseBytes`,
    );
  }
}

/**
 * The page as a whole is not a usable answer: not JSON, cut short, an `{"error": …}` body, no `results`
 * array. Retried: a proxy's error page or a body cut mid-transfer is a failure of that request, and the
 * next one usually answers properly. (A bad user inside a good page is not this: it is rejected alone.)
 */
export class SourceInvalidResponseError extends SourceError {
  override name = 'SourceInvalidResponseError';
  readonly retryable = true;

  constructor(
    readonly url: string,
    readonly problem: string,
  ) {
    super(`random user API response from ${url} is unusable: ${problem}`);
  }
}

/** The connection failed before a complete answer arrived (refused, reset, DNS). */
export class SourceNetworkError extends SourceError {
  override name = 'SourceNetworkError';
  readonly retryable = true;

  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`could not get an answer from random user API at ${url}: ${reason}`);
  }
}

/**
 * Reads a Retry-After header, which holds either delay-seconds ("3") or an HTTP date.
 * Returns milliseconds to wait, or undefined when absent or unreadable.
 */
export function parseRetryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Quotes text from the wire so that a message stays on one line and short. */
export function quote(text: string, maxChars = 120): string {
  const oneLine = text.replace(/\s+/g, ' ');
  const shortened = oneLine.length > maxChars ? `${oneLine.slice(0, maxChars)}…` : oneLine;
  return `"${shortened}"`;
}
