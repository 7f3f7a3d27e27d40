/**
 * The shapes that cross the workflow boundary on the sink's side: what the consumer starts a
 * `writeBatch` workflow with, what it returns, and the failure types its activities raise. Plain data,
 * no driver: the workflow bundle, the activities and the consumer loop all import it.
 */

/** A batch as it travels through Temporal: where its rows are on Kafka and what they were, not the rows themselves. */
export interface BatchRef {
  batchId: string;
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  /** Digest of the batch's messages (sink/batch-digest.ts); absent in batches cut before it existed. */
  digest?: string;
  /** Write time (µs) the partition had reached before the batch's first message (sink/write-time.ts). */
  writeTimeBefore?: number;
}

/** One batch of one Kafka partition, as the sink worker cut it: a reference, its rows stay with the worker that cut it. */
export interface SinkBatch extends BatchRef {
  /** Rows to write: the last version of each key in the batch. */
  rowCount: number;
  /** Task queue of the process that holds the rows (its own activity worker). */
  holderTaskQueue: string;
}

/** Where a batch lies on Kafka: its partition's offsets from first to last. */
export type OffsetRange = Pick<BatchRef, 'topic' | 'partition' | 'firstOffset' | 'lastOffset'>;

export interface SinkBatchResult extends OffsetRange {
  written: number;
}

/** The activities a `writeBatch` workflow calls; both take the batch by reference and return rows written. */
export interface SinkActivities {
  /** Writes the rows the holder process keeps for this batch; runs on that process's own task queue. */
  writeRows(ref: BatchRef): Promise<number>;
  /** Reads the batch's offsets again from Kafka and writes them: for batches whose holder is gone. */
  writeRowsFromKafka(ref: BatchRef): Promise<number>;
}

/** Raised when the rows of a batch are not held by the process whose activity worker got the task. */
export const ROWS_NOT_HELD = 'RowsNotHeldHere';
/** Raised when the batch's offsets now hold other messages than it did: the records it held are gone. */
export const BATCH_NOT_ON_KAFKA = 'BatchNoLongerOnKafka';
