import { setMaxListeners } from 'node:events';

/** Exit code of a process stopped by a second signal, as a shell reports one killed by SIGINT. */
const EXIT_NOW_CODE = 130;
/** Past the grace, what closing the clients and exiting may still take before the process exits regardless. */
const EXIT_MARGIN_MS = 4000;

export interface StopSignalOptions {
  /** SHUTDOWN_GRACE: how long `stop` may wait for the work in flight before `abandon` is aborted. */
  graceMs: number;
  log: (line: string) => void;
  /** Stops the process's work; once `abandon` is aborted it must stop waiting for what is in flight. */
  stop: (signal: NodeJS.Signals, abandon: AbortSignal) => Promise<void>;
  exit?: (code: number) => void;
}

/**
 * A bounded stop on SIGINT/SIGTERM: the first signal runs `stop`, which has `graceMs` for the work in
 * flight before it is told to leave it; a second signal exits at once. Returns a signal aborted at the
 * first stop signal, for the waits a process does before it runs (a server still down).
 */
export function handleStopSignals(options: StopSignalOptions): AbortSignal {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stopping = new AbortController();
  // Every wait of the process (each server, each consumer, the catch-up) listens for the stop.
  setMaxListeners(100, stopping.signal);
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) {
      options.log(`${signal} again: exiting now; what was in flight is left as it is (uncommitted batches are read again by the next consumer)`);
      exit(EXIT_NOW_CODE);
      return;
    }
    stopping.abort(new Error(`stopped by ${signal}`));
    const abandon = new AbortController();
    const grace = setTimeout(() => abandon.abort(), options.graceMs);
    const deadline = setTimeout(() => {
      options.log(`${signal}: not stopped ${(options.graceMs + EXIT_MARGIN_MS) / 1000} s after the signal; exiting`);
      exit(1);
    }, options.graceMs + EXIT_MARGIN_MS);
    options.stop(signal, abandon.signal).then(
      () => {
        clearTimeout(grace);
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        options.log(`${signal}: stopping failed: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}`);
        exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return stopping.signal;
}

/** The line a stop ends with: what it left uncommitted, if anything. */
export function uncommittedLine(uncommitted: string[], graceMs: number): string {
  if (uncommitted.length === 0) return 'every batch in flight was written and committed';
  return `after SHUTDOWN_GRACE (${graceMs / 1000} s), left ${uncommitted.length} batch(es) uncommitted: ${uncommitted.join('; ')}; the consumer group reads them again`;
}
