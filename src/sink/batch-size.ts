/** The bounds of the sink's batch size (BATCH_MIN_RECORDS, BATCH_MAX_RECORDS). */
export interface BatchSizeLimits {
  minRecords: number;
  maxRecords: number;
}

/**
 * Pure: the largest batch to cut from a partition, from how far behind it is. `backlog` is the records
 * fetched now plus those still behind them up to the partition's high watermark. While the backlog is
 * large, batches grow toward `maxRecords`, so each Temporal workflow carries more rows and its cost per
 * row falls; as the consumer catches up they shrink toward `minRecords`, so no record waits behind a
 * long write. The backlog is shared over the batches a partition keeps in flight, so a catch-up still
 * keeps that many writes going.
 */
export function batchSizeFor(backlog: number, limits: BatchSizeLimits, batchesInFlight: number): number {
  const share = Math.ceil(Math.max(0, backlog) / Math.max(1, batchesInFlight));
  return Math.min(limits.maxRecords, Math.max(limits.minRecords, share));
}
