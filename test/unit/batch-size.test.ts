import { batchSizeFor } from '../../src/sink/batch-size';

describe('batchSizeFor: the batch size follows the consumer lag', () => {
  const limits = { minRecords: 500, maxRecords: 20_000 };

  it('grows to the whole backlog while far behind, up to the largest batch', () => {
    expect(batchSizeFor(200_000, limits)).toBe(20_000);
    expect(batchSizeFor(30_000, limits)).toBe(20_000);
    expect(batchSizeFor(15_000, limits)).toBe(15_000);
    expect(batchSizeFor(6000, limits)).toBe(6000);
  });

  it('shrinks to the smallest batch once caught up', () => {
    expect(batchSizeFor(499, limits)).toBe(500);
    expect(batchSizeFor(10, limits)).toBe(500);
    expect(batchSizeFor(0, limits)).toBe(500);
  });

  it('never leaves its bounds, whatever the lag', () => {
    for (const backlog of [-5, 0, 1, 0.5, 499, 501, 1e6, 1e9]) {
      const size = batchSizeFor(backlog, limits);
      expect(Number.isInteger(size)).toBe(true);
      expect(size).toBeGreaterThanOrEqual(500);
      expect(size).toBeLessThanOrEqual(20_000);
    }
    expect(batchSizeFor(1e6, { minRecords: 25, maxRecords: 25 })).toBe(25);
  });

  it('grows monotonically with the backlog', () => {
    let last = 0;
    for (let backlog = 0; backlog <= 60_000; backlog += 777) {
      const size = batchSizeFor(backlog, limits);
      expect(size).toBeGreaterThanOrEqual(last);
      last = size;
    }
  });
});
