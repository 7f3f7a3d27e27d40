/**
 * Workflow id of a sink batch. Pure, so the consumer can compute it outside the workflow sandbox:
 * a redelivered batch with the same offsets attaches to the run that already happened.
 */
export function batchWorkflowId(batch: { topic: string; partition: number; firstOffset: string; lastOffset: string }): string {
  return `batch-${batch.topic}-p${batch.partition}-${batch.firstOffset}-${batch.lastOffset}`;
}
