/**
 * Workflow id of a sink batch: where it sat (topic, partition, offsets) and what it held (the digest of
 * sink/batch-digest.ts). Pure, so the consumer can compute it outside the workflow sandbox: a redelivered
 * batch attaches to the run that already happened, while other records at the same offsets (a recreated
 * topic, a truncated log) get a workflow of their own.
 */
export function batchWorkflowId(batch: { topic: string; partition: number; firstOffset: string; lastOffset: string; digest: string }): string {
  return `batch-${batch.topic}-p${batch.partition}-${batch.firstOffset}-${batch.lastOffset}-${batch.digest}`;
}

const BATCH_ID = /-p(\d+)-(\d+)-(\d+)-([0-9a-f]{20})$/;

/** Partition and offsets of a batch workflow id (for audits and diagnostics); undefined for other ids. */
export function parseBatchWorkflowId(workflowId: string): { partition: number; firstOffset: string; lastOffset: string; digest: string } | undefined {
  const match = BATCH_ID.exec(workflowId);
  return match ? { partition: Number(match[1]), firstOffset: match[2]!, lastOffset: match[3]!, digest: match[4]! } : undefined;
}
