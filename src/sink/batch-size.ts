/** The bounds of the sink's batch size (BATCH_MIN_RECORDS, BATCH_MAX_RECORDS). */
export interface BatchSizeLimits {
  minRecords: number;
  maxRecords: number;
}

/**
 * Pure: the largest batch to cut from a partition, from how far behind it is. `backlog` is the records
 * fetched now plus those still behind them up to the partition's high watermark. While the backlog is
 * large, a fetch's records of a partition go into one batch of up to `maxRecords`, so each Temporal
 * workflow carries as many rows as the fetch brought and its cost per row falls; as the consumer
 * catches up they shrink toward `minRecords`, so no record waits behind a long write. Writes overlap
 * across partitions and across the process's consumers (SINK_CONSUMERS), not by splitting a fetch.
 */
export function batchSizeFor(backlog: number, limits: BatchSizeLimits): number {
  return Math.min(limits.maxRecords, Math.max(limits.minRecords, Math.ceil(Math.max(0, backlog))));
}
