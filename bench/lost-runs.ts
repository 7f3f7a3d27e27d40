import { errors, types } from 'cassandra-driver';

/** How many timed ceiling runs a series may lose to write timeouts before the bench gives up. */
export const MAX_LOST_RUNS = 3;

/**
 * A write Cassandra (or the driver, waiting for it) gave up on in time: with the commit log synced
 * before each acknowledgement, a disk that stalls past the write timeout does this to a plain writer
 * that has no retries.
 */
export function isWriteTimeout(error: unknown): boolean {
  if (error instanceof errors.OperationTimedOutError) return true;
  if (error instanceof errors.ResponseError) return error.code === types.responseErrorCodes.writeTimeout || error.code === types.responseErrorCodes.overloaded;
  if (error instanceof errors.NoHostAvailableError) return Object.values(error.innerErrors as Record<string, unknown>).some(isWriteTimeout);
  return false;
}

/**
 * Runs `attempt` until it has succeeded `runs` times. A run that ends in a write timeout is lost: it
 * is reported and run again, up to MAX_LOST_RUNS, so one stall of the server's disk costs that run and
 * not the sitting. Lost runs never count, which can only make the ceiling higher, never lower.
 */
export async function runsWithoutLost<T>(runs: number, attempt: () => Promise<T>, report: (line: string) => void): Promise<T[]> {
  const done: T[] = [];
  let lost = 0;
  while (done.length < runs) {
    try {
      done.push(await attempt());
    } catch (error) {
      if (!isWriteTimeout(error) || lost >= MAX_LOST_RUNS) throw error;
      lost += 1;
      report(`  run lost to a write timeout (${(error as Error).message}); running it again (${lost} of at most ${MAX_LOST_RUNS} lost)`);
    }
  }
  return done;
}
