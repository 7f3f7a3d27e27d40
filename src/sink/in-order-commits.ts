/**
 * The batches of one partition being written at once, committed strictly in order: a batch's offsets
 * are committed only once it and every batch cut before it are written. At most `capacity` are in
 * flight; adding one more first waits for the oldest and commits it. A batch that fails stops the
 * commits there: its error is thrown, and nothing cut after it is committed, even if written.
 */
export class InOrderCommits<T> {
  private readonly pending: { batch: T; written: Promise<unknown> }[] = [];

  constructor(
    private readonly capacity: number,
    private readonly commit: (batch: T) => Promise<void>,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  /** Takes a batch being written; when `capacity` are then in flight, waits for the oldest and commits it. */
  async add(batch: T, written: Promise<unknown>): Promise<void> {
    written.catch(() => undefined); // observed in order by commitOldest
    this.pending.push({ batch, written });
    if (this.pending.length >= this.capacity) await this.commitOldest();
  }

  /** Commits every batch in flight, oldest first. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.commitOldest();
  }

  /** Waits for every batch still in flight without committing any: the partition moved, or one failed. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending.map((p) => p.written));
  }

  get inFlight(): number {
    return this.pending.length;
  }

  private async commitOldest(): Promise<void> {
    const oldest = this.pending.shift()!;
    await oldest.written;
    await this.commit(oldest.batch);
  }
}
