import type { BoundRow } from '../cassandra/bound-row';

interface HeldBatch {
  rows: BoundRow[];
  markWritten: () => void;
}

/**
 * Rows of the batches this process's consumer cut, held until they are written (below) or their
 * `writeBatch` workflow finishes.
 * Batches travel through Temporal by reference (topic, partition, offsets); the rows stay here, so
 * history stays small and the activity that runs in this process writes them without a copy.
 *
 * The activity also tells the consumer here when it has written a batch's rows. The consumer can then
 * commit the batch's offsets at once, instead of waiting for the workflow's completion to come back
 * through Temporal; the workflow completes on its own, and its history records the write as before.
 */
export class BatchHandoff {
  private readonly held = new Map<string, HeldBatch>();

  /** Holds a batch's rows; the promise resolves once this process's activity has written them. */
  put(batchId: string, rows: BoundRow[]): Promise<void> {
    let markWritten!: () => void;
    const written = new Promise<void>((resolve) => (markWritten = resolve));
    this.held.set(batchId, { rows, markWritten });
    return written;
  }

  get(batchId: string): BoundRow[] | undefined {
    return this.held.get(batchId)?.rows;
  }

  /** The activity wrote every row `get` gave it for this batch: Cassandra acknowledged them all. */
  written(batchId: string, rows: BoundRow[]): void {
    const held = this.held.get(batchId);
    if (held && held.rows === rows) held.markWritten();
  }

  release(batchId: string): void {
    this.held.delete(batchId);
  }

  get size(): number {
    return this.held.size;
  }
}
