/** Bucket bounds for batch sizes (records) and write latencies (seconds). */
export const BATCH_SIZE_BUCKETS = [1, 5, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10000];
export const WRITE_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A cumulative histogram in Prometheus' shape: counts per upper bound, plus sum and count. */
export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]! += 1;
  }

  /** The smallest bucket bound holding at least q of the observations (an upper estimate of the quantile). */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const index = this.counts.findIndex((c) => c >= q * this.count);
    return index === -1 ? Infinity : this.bounds[index];
  }
}

/** Running totals of one process: for the status line and the Prometheus endpoint. */
export class PipelineCounters {
  slotsRun = 0;
  usersFetched = 0;
  usersPublished = 0;
  rowsWritten = 0;
  /** Older versions of a key dropped from a batch that also held a newer one (they would lose anyway). */
  versionsSuperseded = 0;
  batchesWritten = 0;
  /** Batches written from a re-read of Kafka because their holder was gone or did not start the write in time. */
  batchesReread = 0;
  deadLettered = 0;
  /** Source users that could not become records, quarantined on the dead-letter topic. */
  sourceRejected = 0;
  /** Restarts of the sink's Kafka consumers after a crash (kafkajs's own and the supervisor's). */
  sinkConsumerRestarts = 0;
  /** The largest batch the sink cuts now (sink/batch-size.ts); undefined in processes without a sink. */
  batchTarget: number | undefined = undefined;
  /** Sum over partitions; undefined until first measured. */
  consumerLag: number | undefined = undefined;
  readonly lagByPartition = new Map<number, number>();
  /** Slots that did not reconcile in the last audit this process ran; undefined until it ran one. */
  auditMismatchedSlots: number | undefined = undefined;
  /** Whether the source health gate holds the schedule paused; undefined in processes without the gate. */
  sourceGateClosed: boolean | undefined = undefined;
  readonly batchSize = new Histogram(BATCH_SIZE_BUCKETS);
  readonly batchWriteSeconds = new Histogram(WRITE_SECONDS_BUCKETS);
}
