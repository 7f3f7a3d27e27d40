import { InOrderCommits } from '../../src/sink/in-order-commits';

/** A write whose outcome the test decides, in any order it likes. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InOrderCommits: the batches of one partition in flight', () => {
  it('commits in the order the batches were cut, whatever order their writes finish in', async () => {
    const committed: number[] = [];
    const commits = new InOrderCommits<number>(10, async (batch) => void committed.push(batch));
    const writes = [deferred(), deferred(), deferred(), deferred()];
    for (const [i, w] of writes.entries()) await commits.add(i, w.promise);
    writes[3]!.resolve();
    writes[1]!.resolve();
    writes[2]!.resolve();
    const drained = commits.drain();
    await tick();
    expect(committed).toEqual([]); // batch 0 is not written yet, so nothing after it may be committed
    writes[0]!.resolve();
    await drained;
    expect(committed).toEqual([0, 1, 2, 3]);
    expect(commits.inFlight).toBe(0);
  });

  it('holds at most `capacity` batches: adding one more waits for the oldest and commits it', async () => {
    const committed: string[] = [];
    const commits = new InOrderCommits<string>(2, async (batch) => void committed.push(batch));
    const [a, b] = [deferred(), deferred()];
    await commits.add('a', a.promise);
    let added = false;
    const adding = commits.add('b', b.promise).then(() => (added = true));
    await tick();
    expect(added).toBe(false);
    expect(commits.inFlight).toBe(1); // 'a' is being committed, 'b' waits behind it
    a.resolve();
    await adding;
    expect(committed).toEqual(['a']);
    expect(commits.inFlight).toBe(1);
  });

  it('stops at a failed batch: its error is thrown and nothing cut after it is committed, even if written', async () => {
    const committed: number[] = [];
    const commits = new InOrderCommits<number>(10, async (batch) => void committed.push(batch));
    const writes = [deferred(), deferred(), deferred()];
    for (const [i, w] of writes.entries()) await commits.add(i, w.promise);
    writes[0]!.resolve();
    writes[2]!.resolve();
    writes[1]!.reject(new Error('Cassandra is down'));
    await expect(commits.drain()).rejects.toThrow('Cassandra is down');
    expect(committed).toEqual([0]);
    expect(commits.inFlight).toBe(1); // batch 2: written, never committed
    await commits.settle();
    expect(committed).toEqual([0]);
  });

  it('settles without committing: waits for every write still in flight, failed ones included', async () => {
    const committed: number[] = [];
    const commits = new InOrderCommits<number>(10, async (batch) => void committed.push(batch));
    const [a, b] = [deferred(), deferred()];
    await commits.add(0, a.promise);
    await commits.add(1, b.promise);
    let settled = false;
    const settling = commits.settle().then(() => (settled = true));
    a.reject(new Error('lost'));
    await tick();
    expect(settled).toBe(false);
    b.resolve();
    await settling;
    expect(committed).toEqual([]);
  });

  it('passes a failed commit on to the caller', async () => {
    const commits = new InOrderCommits<number>(1, async () => {
      throw new Error('the group rebalanced');
    });
    await expect(commits.add(0, Promise.resolve())).rejects.toThrow('the group rebalanced');
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new InOrderCommits(0, async () => undefined)).toThrow(RangeError);
    expect(() => new InOrderCommits(1.5, async () => undefined)).toThrow(RangeError);
  });
});
