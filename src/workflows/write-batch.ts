import { proxyActivities } from '@temporalio/workflow';
import type { SinkActivities, UserRowPayload } from '../activities/write-rows';

/** One batch of one Kafka partition, as the consumer worker cut it. */
export interface SinkBatch {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  rows: UserRowPayload[];
}

export interface SinkBatchResult {
  written: number;
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

// No attempt limit: while Cassandra is down the batch waits here, visibly retrying, and the
// consumer holds its partition instead of piling up messages in memory.
const { writeRows } = proxyActivities<SinkActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** Writes one batch to Cassandra; its workflow id names the topic, partition and offsets. */
export async function writeBatch(batch: SinkBatch): Promise<SinkBatchResult> {
  const written = await writeRows({ rows: batch.rows });
  return { written, topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset };
}

