import { describeVerdict, reconcileSlot, type SlotRun } from '../../src/audit/reconcile-slot';

const settledBefore = new Date('2026-12-01T01:00:00Z');
const run = (overrides: Partial<SlotRun> = {}): SlotRun => ({
  workflowId: 'random-names-2026-12-01T00:50:00Z',
  slotTime: '2026-12-01T00:50:00.000Z',
  status: 'COMPLETED',
  closedAt: new Date('2026-12-01T00:50:01Z'),
  result: { slotTime: '2026-12-01T00:50:00.000Z', seed: 's', fetched: 3, published: 3, ids: ['a', 'b', 'c'] },
  ...overrides,
});

describe('reconcileSlot', () => {
  it('reconciles a slot whose every user is a row or a dead letter', () => {
    const verdict = reconcileSlot(run(), new Set(['a', 'b']), new Set(['c']), settledBefore);
    expect(verdict).toMatchObject({ kind: 'reconciled', fetched: 3, rows: 2, deadLettered: 1 });
  });

  it('names the users that are neither', () => {
    const verdict = reconcileSlot(run(), new Set(['a']), new Set(), settledBefore);
    expect(verdict).toMatchObject({ kind: 'mismatch', rows: 1, missing: ['b', 'c'] });
    expect(describeVerdict(verdict)).toBe('slot 2026-12-01T00:50:00.000Z (random-names-2026-12-01T00:50:00Z): fetched 3, published 3, in Cassandra 1, dead-lettered 0, rejected 0; missing 2: b, c');
  });

  it('flags a slot that published fewer users than it fetched, even with every row present', () => {
    const short = run({ result: { slotTime: 'x', seed: 's', fetched: 3, published: 2, ids: ['a', 'b', 'c'] } });
    expect(reconcileSlot(short, new Set(['a', 'b', 'c']), new Set(), settledBefore)).toMatchObject({ kind: 'mismatch', missing: [] });
  });

  it('counts a user fetched twice by one slot once', () => {
    const twice = run({ result: { slotTime: 'x', seed: 's', fetched: 2, published: 2, ids: ['a', 'a'] } });
    expect(reconcileSlot(twice, new Set(['a']), new Set(), settledBefore)).toMatchObject({ kind: 'reconciled', rows: 1 });
  });

  it('reports a run that ended without completing as not reconciling', () => {
    for (const status of ['FAILED', 'TIMED_OUT', 'TERMINATED']) {
      const verdict = reconcileSlot(run({ status }), new Set(['a', 'b', 'c']), new Set(), settledBefore);
      expect(verdict.kind).toBe('not-completed');
    }
    expect(describeVerdict(reconcileSlot(run({ status: 'TIMED_OUT' }), new Set(), new Set(), settledBefore))).toMatch(/timed out, its users never reached Kafka$/);
  });

  it('leaves running and freshly closed slots pending, and old slots without ids unaudited', () => {
    expect(reconcileSlot(run({ status: 'RUNNING' }), new Set(), new Set(), settledBefore).kind).toBe('pending');
    expect(reconcileSlot(run({ closedAt: new Date('2026-12-01T01:00:05Z') }), new Set(), new Set(), settledBefore).kind).toBe('pending');
    expect(reconcileSlot(run({ result: { slotTime: 'x', seed: 's', fetched: 3, published: 3 } }), new Set(), new Set(), settledBefore).kind).toBe('unaudited');
  });

  describe('with source rejects: fetched = written + dead-lettered + rejected', () => {
    const withRejects = run({
      result: { slotTime: 's', seed: 's', fetched: 5, published: 3, ids: ['a', 'b', 'c'], rejected: 2, rejects: [{ key: 'reject:w:r:p1:3', uuid: 'bad' }, { key: 'reject:w:r:p1:4', uuid: 'd' }] },
    });

    it('reconciles when each reject is on the DLQ', () => {
      const verdict = reconcileSlot(withRejects, new Set(['a', 'b', 'c']), new Set(), settledBefore, new Set(['reject:w:r:p1:3', 'reject:w:r:p1:4']));
      expect(verdict).toMatchObject({ kind: 'reconciled', rows: 3, rejected: 2 });
      expect(describeVerdict(verdict)).toContain('2 rejected');
    });

    it('counts a reject replayed after a fix by its row', () => {
      expect(reconcileSlot(withRejects, new Set(['a', 'b', 'c', 'd']), new Set(), settledBefore, new Set(['reject:w:r:p1:3']))).toMatchObject({ kind: 'reconciled', rejected: 2 });
    });

    it('never hides a reject that is on no DLQ: the slot mismatches and names it', () => {
      const verdict = reconcileSlot(withRejects, new Set(['a', 'b', 'c']), new Set(), settledBefore, new Set(['reject:w:r:p1:4']));
      expect(verdict).toMatchObject({ kind: 'mismatch', rejected: 1 });
      expect(describeVerdict(verdict)).toContain('missing 1: rejected bad not on the DLQ (reject:w:r:p1:3)');
    });

    it('mismatches when published and rejected fall short of fetched', () => {
      const short = run({ result: { slotTime: 's', seed: 's', fetched: 5, published: 3, ids: ['a', 'b', 'c'], rejected: 1, rejects: [{ key: 'k' }] } });
      expect(reconcileSlot(short, new Set(['a', 'b', 'c']), new Set(), settledBefore, new Set(['k'])).kind).toBe('mismatch');
    });
  });
});
