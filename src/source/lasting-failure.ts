import { SourceHttpError, SourceNetworkError } from './errors';

/** A Retry-After at least this long means the source asks for more than a slot's retries can wait. */
export const LONG_RETRY_AFTER_MS = 60_000;

/** Connect-level failures: the host has no address or nothing listens there. A reset mid-answer is not one. */
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/;

/**
 * Why a failure of the source is one that retrying will not fix soon: server faults (5xx), throttling
 * with a long Retry-After, and unreachable hosts (DNS, refused or reset connections). Undefined for
 * failures that a retry may well fix (a timeout, a short throttle) or that are the data's fault.
 */
export function lastingFailureCause(error: unknown): string | undefined {
  if (error instanceof SourceHttpError) {
    if (error.status >= 500) return `HTTP ${error.status}`;
    if (error.status === 429 && (error.retryAfterMs ?? 0) >= LONG_RETRY_AFTER_MS) return `HTTP 429, retry after ${Math.round(error.retryAfterMs! / 1000)} s`;
    return undefined;
  }
  if (error instanceof SourceNetworkError && UNREACHABLE.test(error.reason)) return error.reason;
  return undefined;
}
