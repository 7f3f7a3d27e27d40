import { batchSizeFor } from '../../src/sink/batch-size';

describe('batchSizeFor: the batch size follows the consumer lag', () => {
  const limits = { minRecords: 500, maxRecords: 10_000 };

  it('grows toward the largest batch while far behind, sharing the backlog over the batches in flight', () => {
    expect(batchSizeFor(200_000, limits, 3)).toBe(10_000);
    expect(batchSizeFor(30_000, limits, 3)).toBe(10_000);
    expect(batchSizeFor(15_000, limits, 3)).toBe(5000);
    expect(batchSizeFor(6000, limits, 3)).toBe(2000);
  });

  it('shrinks to the smallest batch once caught up', () => {
    expect(batchSizeFor(1200, limits, 3)).toBe(500);
    expect(batchSizeFor(10, limits, 3)).toBe(500);
    expect(batchSizeFor(0, limits, 3)).toBe(500);
  });

  it('never leaves its bounds, whatever the lag or the number in flight', () => {
    for (const backlog of [-5, 0, 1, 499, 501, 1e6, 1e9]) {
      for (const inFlight of [0, 1, 3, 100]) {
        const size = batchSizeFor(backlog, limits, inFlight);
        expect(size).toBeGreaterThanOrEqual(500);
        expect(size).toBeLessThanOrEqual(10_000);
      }
    }
    expect(batchSizeFor(1e6, { minRecords: 25, maxRecords: 25 }, 3)).toBe(25);
  });

  it('grows monotonically with the backlog', () => {
    let last = 0;
    for (let backlog = 0; backlog <= 60_000; backlog += 777) {
      const size = batchSizeFor(backlog, limits, 3);
      expect(size).toBeGreaterThanOrEqual(last);
      last = size;
    }
  });
});
