import type { BoundRow } from '../../src/cassandra/bound-row';
import { BatchHandoff } from '../../src/sink/batch-handoff';

const rows = (n: number): BoundRow[] => Array.from({ length: n }, (_, i) => Buffer.from([i]) as unknown as BoundRow);

async function isSettled(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('BatchHandoff', () => {
  it('tells the consumer once the activity wrote the rows it was given', async () => {
    const handoff = new BatchHandoff();
    const held = rows(3);
    const written = handoff.put('b1', held);
    expect(handoff.get('b1')).toBe(held);
    expect(await isSettled(written)).toBe(false);
    handoff.written('b1', held);
    expect(await isSettled(written)).toBe(true);
  });

  it('says nothing for rows it does not hold under that batch, nor for a batch it let go', async () => {
    const handoff = new BatchHandoff();
    const first = rows(2);
    const written = handoff.put('b1', first);
    handoff.written('b1', rows(2)); // other rows under the same name: not these
    handoff.written('b2', first); // another batch
    expect(await isSettled(written)).toBe(false);

    // Cut again under the same id (a consumer restarted): a write of the old array is not the new hold's.
    const again = rows(2);
    const writtenAgain = handoff.put('b1', again);
    handoff.written('b1', first);
    expect(await isSettled(writtenAgain)).toBe(false);

    handoff.release('b1');
    handoff.written('b1', again);
    expect(await isSettled(writtenAgain)).toBe(false);
    expect(handoff.get('b1')).toBeUndefined();
    expect(handoff.size).toBe(0);
  });
});
