/** gRPC status codes of a server that is away or did not answer in time (UNAVAILABLE, DEADLINE_EXCEEDED). */
const AWAY_CODES = new Set([14, 4]);

/**
 * True when a Temporal call failed because the server is away (stopped, restarting, unreachable), so
 * the same call can succeed later; false for an answer that retrying would not change (not found, a
 * rejected request).
 */
export function isTemporalUnavailable(error: unknown): boolean {
  for (let e = error as { name?: string; code?: unknown; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'number' && AWAY_CODES.has(e.code)) return true;
    if (e.name === 'TransportError') return true;
    if (/\b(UNAVAILABLE|DEADLINE_EXCEEDED)\b|Connection refused|tcp connect error|transport error|ECONNREFUSED/i.test(e.message ?? '')) return true;
  }
  return false;
}
