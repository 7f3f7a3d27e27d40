/**
 * At most `max` Cassandra requests in flight from this process, however many batches are being written
 * at once: past the point where the node's write threads are busy, more requests in flight only queue
 * there and cost it CPU. Waiting requests go in the order they asked.
 */
export class RequestLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  async run<T>(request: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await request();
    } finally {
      // Hand the slot straight to the next waiting request, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Requests in flight now (for tests). */
  get inFlight(): number {
    return this.active;
  }
}
