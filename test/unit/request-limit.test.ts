import { setTimeout as sleep } from 'node:timers/promises';
import { RequestLimit } from '../../src/cassandra/request-limit';

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
      let next = 0;
      await Promise.all(Array.from({ length: 10 }, async () => {
        while (next < ids.length) await request(ids[next++]!);
      }));
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
