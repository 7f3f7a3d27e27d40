import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLimited } from '../../src/concurrency/for-each-limited';
import { RequestLimit } from '../../src/concurrency/request-limit';

describe('RequestLimit: requests in flight from the process, over every batch being written', () => {
  it('never lets more than its maximum run at once, across callers, and runs every request', async () => {
    const limit = new RequestLimit(4);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const request = (id: number) => limit.run(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(1 + (id % 3));
      running -= 1;
      done.push(id);
      return id;
    });
    // Three "batches" of 20 requests each, issued with 10 lanes apiece: 30 callers compete for 4 slots.
    const batches = [0, 1, 2].map(async (b) => {
      const ids = Array.from({ length: 20 }, (_, i) => b * 100 + i);
      await forEachLimited(ids, 10, request);
    });
    await Promise.all(batches);
    expect(peak).toBe(4);
    expect(done).toHaveLength(60);
    expect(limit.inFlight).toBe(0);
  });

  it('frees the slot of a failed request', async () => {
    const limit = new RequestLimit(1);
    await expect(limit.run(async () => { throw new Error('write timeout'); })).rejects.toThrow('write timeout');
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
    expect(limit.inFlight).toBe(0);
  });

  it('serves waiting requests in the order they asked', async () => {
    const limit = new RequestLimit(1);
    const order: string[] = [];
    const first = limit.run(() => sleep(5).then(() => order.push('a')));
    const waiters = ['b', 'c', 'd'].map((id) => limit.run(async () => order.push(id)));
    await Promise.all([first, ...waiters]);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('forEachLimited: work over items, at most a given number at once', () => {
  it('runs every item once, never more than the limit at a time, starting them in order', async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const items = Array.from({ length: 25 }, (_, i) => i);
    await forEachLimited(items, 3, async (item) => {
      started.push(item);
      running += 1;
      peak = Math.max(peak, running);
      await sleep(1 + (item % 4));
      running -= 1;
    });
    expect(started).toEqual(items);
    expect(peak).toBe(3);
  });

  it('runs no more lanes than items, and nothing for no items', async () => {
    let running = 0;
    let peak = 0;
    await forEachLimited([1, 2], 8, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(2);
      running -= 1;
    });
    expect(peak).toBe(2);
    const seen: number[] = [];
    await forEachLimited([], 4, async (item: number) => void seen.push(item));
    expect(seen).toEqual([]);
  });

  it('rejects with the first failure', async () => {
    await expect(forEachLimited([1, 2, 3], 2, async (item) => {
      if (item === 2) throw new Error('item 2 failed');
    })).rejects.toThrow('item 2 failed');
  });
});
