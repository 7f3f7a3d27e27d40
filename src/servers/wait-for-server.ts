import { setTimeout as sleep } from 'node:timers/promises';

/** A server a process needs, as its lines name it: `Cassandra at 127.0.0.1:9042`. */
export interface ServerRef {
  name: 'Temporal' | 'Kafka' | 'Cassandra';
  address: string;
}

/** Waits between attempts: doubling from 0.5 s, capped at 15 s. */
export const BACKOFF = { initialMs: 500, maxMs: 15_000 } as const;
/** While a server stays down, one line this often. */
const REPORT_EVERY_MS = 60_000;

/** The wait before attempt `failures + 1`, after `failures` failed ones. Pure. */
export function backoffDelay(failures: number, backoff: { initialMs: number; maxMs: number } = BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
}

/** `45s`, `2m`, `1h 5m`. Pure. */
export function formatDowntime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/**
 * Why a server did not answer, in a word where the error has one (ECONNREFUSED, ETIMEDOUT, ...), else
 * the first line of its message. Looks into the drivers' nested errors (cassandra-driver's
 * innerErrors, kafkajs's cause, tonic's "Connection refused").
 */
export function outageReason(error: unknown): string {
  const texts: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || depth > 3) return;
    const x = e as { code?: unknown; message?: unknown; cause?: unknown; innerErrors?: Record<string, unknown> };
    if (typeof x.code === 'string') texts.push(x.code);
    texts.push(typeof x.message === 'string' ? x.message : String(e));
    visit(x.cause, depth + 1);
    for (const inner of Object.values(x.innerErrors ?? {})) visit(inner, depth + 1);
  };
  visit(error, 0);
  const all = texts.join(' ');
  const code = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)\b/.exec(all)?.[1];
  if (code) return code;
  if (/Connection refused/i.test(all)) return 'ECONNREFUSED';
  return (texts.find((t) => t.trim() !== '' && !/^E[A-Z]+$/.test(t)) ?? 'no answer').split('\n')[0]!.slice(0, 160);
}

/**
 * The lines of one server's outage: one when it stops answering, at most one a minute while it stays
 * down, one when it is back. Shared by the waits at start and the watchers of a running process.
 */
export class OutageLog {
  private downSince?: number;
  private lastLine = 0;

  constructor(
    readonly server: ServerRef,
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  /** The server did not answer; prints a line if it is the first, or the last was a minute ago. */
  down(reason: string): void {
    const now = this.now();
    const where = `${this.server.name} at ${this.server.address}`;
    if (this.downSince === undefined) {
      this.downSince = now;
      this.lastLine = now;
      this.log(`waiting for ${where}: ${reason} (retrying every ${BACKOFF.initialMs / 1000}-${BACKOFF.maxMs / 1000} s)`);
    } else if (now - this.lastLine >= REPORT_EVERY_MS) {
      this.lastLine = now;
      this.log(`waiting for ${where} (down ${formatDowntime(now - this.downSince)}): ${reason}`);
    }
  }

  /** The server answered; prints a line if it had been down. */
  up(): void {
    if (this.downSince === undefined) return;
    this.log(`${this.server.name} at ${this.server.address} is back (down ${formatDowntime(this.now() - this.downSince)})`);
    this.downSince = undefined;
  }
}

/** Errors that retrying cannot fix: a bug in this process, not a server away. */
const BUGS = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'];

export interface WaitOptions {
  log: (line: string) => void;
  /** True for an error that is a wrong setting (credentials, TLS, a missing keyspace): thrown at once, never waited out. */
  isBadSetting: (error: unknown) => boolean;
  /** Aborted when the process stops: the wait ends with the abort's reason. */
  signal?: AbortSignal;
  backoff?: { initialMs: number; maxMs: number };
  /** Where the lines go when a caller shares one log per server (several waits for one server). */
  outage?: OutageLog;
}

/**
 * Runs `attempt` until it succeeds, waiting between failures with capped exponential backoff and saying
 * so (OutageLog). A bad setting or a bug is thrown at once; anything else is taken for the server
 * being away, however long that lasts.
 */
export async function waitForServer<T>(server: ServerRef, attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const outage = options.outage ?? new OutageLog(server, options.log);
  for (let failures = 0; ; ) {
    options.signal?.throwIfAborted();
    try {
      const value = await attempt();
      outage.up();
      return value;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (options.isBadSetting(error) || BUGS.includes((error as Error)?.name)) throw error;
      failures += 1;
      outage.down(outageReason(error));
      await sleep(backoffDelay(failures, options.backoff), undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
    }
  }
}
