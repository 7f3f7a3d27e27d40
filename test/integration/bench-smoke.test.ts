import { sinkBench } from '../../src/bench/sink-bench';

// Keeps the benchmark runnable: tiny sizes, no timing asserted (figures come from `npm run bench`).
describe('bench smoke', () => {
  it('sink: preloads, measures the ceiling, runs a real consumer worker process and reports its figures', async () => {
    const lines: string[] = [];
    const result = await sinkBench({ records: 300, workers: 1, batchMaxRecords: 100, progress: (l) => lines.push(l) });
    expect(result).toMatchObject({ bench: 'sink', records: 300, workers: 1, batchMaxRecords: 100 });
    for (const key of ['pipelineRowsPerSecond', 'ceilingRowsPerSecond', 'ratio', 'peakWorkerRssMb'] as const) expect(result[key]).toBeGreaterThan(0);
    expect(result.batches).toBeGreaterThanOrEqual(3);
    expect(result.batchWriteP99Ms).not.toBeNull();
    expect(result.timeline.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('ceiling:'))).toBe(true);
  });
});
