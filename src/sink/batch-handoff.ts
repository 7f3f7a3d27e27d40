import type { BoundRow } from '../cassandra/bound-row';

/**
 * Rows of the batches this process's consumer cut, held until their `writeBatch` workflow finishes.
 * Batches travel through Temporal by reference (topic, partition, offsets); the rows stay here, so
 * history stays small and the activity that runs in this process writes them without a copy.
 */
export class BatchHandoff {
  private readonly rows = new Map<string, BoundRow[]>();

  put(batchId: string, rows: BoundRow[]): void {
    this.rows.set(batchId, rows);
  }

  get(batchId: string): BoundRow[] | undefined {
    return this.rows.get(batchId);
  }

  release(batchId: string): void {
    this.rows.delete(batchId);
  }

  get size(): number {
    return this.rows.size;
  }
}
