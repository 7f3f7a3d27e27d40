/**
 * The write time (microseconds since the epoch, Cassandra's `USING TIMESTAMP`) of each record of a
 * partition. Within a partition it grows strictly with the offset, so for every key the version with
 * the highest offset wins in Cassandra, whatever order the writes reach it in:
 *
 *   writeTime(r) = max(timestamp(r) in µs, writeTime(record before r) + 1)
 *
 * Pure and chained: the value of a record depends only on the value before it and its own Kafka
 * timestamp, so every path that writes the same records from the same starting value (the consumer,
 * a retry, the Kafka re-read, a redelivery) writes the same times. The value reached is carried in the
 * committed offset's metadata, so the chain survives restarts and rebalances.
 */
export function nextWriteTime(before: number, recordTimestampMs: string): number {
  const ms = Number(recordTimestampMs);
  // A record without a usable timestamp (-1 in old message formats) just follows the one before it.
  const own = Number.isFinite(ms) && ms > 0 ? ms * 1000 : 0;
  return own > before ? own : before + 1;
}

const METADATA = /^pipeline-write-time=(\d{1,16})$/;

/** Commit metadata carrying the write time of the last committed record of a partition. */
export function writeTimeMetadata(writeTime: number): string {
  return `pipeline-write-time=${writeTime}`;
}

/** The write time a commit's metadata carries; 0 (no lower bound) for commits without one. */
export function writeTimeFromMetadata(metadata: string | null | undefined): number {
  const match = METADATA.exec(metadata ?? '');
  return match ? Number(match[1]) : 0;
}
