import { ActivityFailure, ApplicationFailure, proxyActivities, TimeoutFailure, type RetryPolicy } from '@temporalio/workflow';
import { ROWS_NOT_HELD, type BatchRef, type SinkActivities, type SinkBatch, type SinkBatchResult } from '../contracts/sink';

export type { SinkBatch, SinkBatchResult } from '../contracts/sink';

// No attempt limit: while Cassandra is down the batch waits here, visibly retrying, and the
// consumer holds its partition instead of piling up messages in memory.
const RETRY: RetryPolicy = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', nonRetryableErrorTypes: [ROWS_NOT_HELD] };

// The workers heartbeat every second, so a write whose worker died is retried after 5 s. The heartbeat
// is what detects a dead worker; the start-to-close cap only bounds a write that runs at Cassandra's
// pace: a 20 000-row batch sharing the process's requests with a dozen others, while a node syncs
// every write to disk, took over 30 s, and a cap that cuts it off writes every row again.
const WRITE_CAP = '10 minutes';
const { writeRowsFromKafka } = proxyActivities<SinkActivities>({ startToCloseTimeout: WRITE_CAP, heartbeatTimeout: '5 seconds', retry: RETRY });

/**
 * Writes one batch to Cassandra; its workflow id names the topic, partition and offsets. The write runs
 * on the process that holds the rows; if that process is gone (no start within 10 s, or it no longer
 * holds them), any sink worker reads the offsets again from Kafka and writes them.
 */
export async function writeBatch(batch: SinkBatch): Promise<SinkBatchResult> {
  const { writeRows } = proxyActivities<SinkActivities>({
    taskQueue: batch.holderTaskQueue,
    scheduleToStartTimeout: '10 seconds',
    startToCloseTimeout: WRITE_CAP,
    heartbeatTimeout: '5 seconds',
    retry: RETRY,
  });
  const ref: BatchRef = { batchId: batch.batchId, topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset };
  if (batch.digest !== undefined) ref.digest = batch.digest;
  if (batch.writeTimeBefore !== undefined) ref.writeTimeBefore = batch.writeTimeBefore;
  let written: number;
  try {
    written = await writeRows(ref);
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    const holderGone = cause instanceof TimeoutFailure || (cause instanceof ApplicationFailure && cause.type === ROWS_NOT_HELD);
    if (!holderGone) throw error;
    written = await writeRowsFromKafka(ref);
  }
  return { written, topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset };
}
