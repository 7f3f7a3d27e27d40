import { costPerRow, median, sittingMedians, type SittingRun } from '../../bench/cost-per-row';

describe('bench: CPU per row', () => {
  it('divides each role\'s cores by the rows per second, in µs', () => {
    const cost = costPerRow({ 'worker-1': 0.5, 'worker-2': 0.25, cassandra: 0.9, temporal: 0.1, 'temporal-tls': 0.02, kafka: 0.06, bench: 0.3 }, 30_000, 'workers');
    expect(cost).toEqual({ writer: 25, cassandra: 30, temporal: 4, kafka: 2, total: 61 });
    expect(costPerRow({ bench: 0.45, cassandra: 1.2, 'worker-1': 9 }, 45_000, 'bench')).toMatchObject({ writer: 10, cassandra: 26.7 });
  });

  it('takes medians over a sitting', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const run = (ratio: number, worker: number, rss: number): SittingRun => ({
      pipelineRowsPerSecond: ratio * 40_000, ceilingRowsPerSecond: 40_000, ratio, peakWorkerRssMb: rss,
      readFloor: { readUsPerRow: worker / 5, cutUsPerRow: worker / 2 },
      gcPause: { pipeline: { minor: worker / 4, major: 1 }, ceiling: { minor: 2, major: 0.5 } },
      cost: { pipeline: { writer: worker, cassandra: 33, temporal: 4, kafka: 2, total: 0 }, ceiling: { writer: 10, cassandra: 36, temporal: 1, kafka: 0.5, total: 0 } },
    });
    const medians = sittingMedians([run(0.6, 25, 250), run(0.7, 20, 260), run(0.65, 22, 240), run(0.8, 18, 230), run(0.5, 30, 270)]);
    expect(medians).toMatchObject({ runs: 5, ratio: 0.65, pipelineRowsPerSecond: 26_000, workerMicrosPerRow: 22, ceilingWriterMicrosPerRow: 10, workerToWriter: 2.2, peakWorkerRssMb: 270, medianPeakWorkerRssMb: 250, readerMicrosPerRow: 4.4, readAndCutMicrosPerRow: 11, workerGcPauseMicrosPerRow: 6.5, ceilingGcPauseMicrosPerRow: 2.5 });
    // Runs without the floor (no ceilings) leave it unknown rather than zero.
    expect(sittingMedians([{ ...run(0.6, 25, 250), readFloor: null }]).readerMicrosPerRow).toBeNaN();
    expect(sittingMedians([{ ...run(0.6, 25, 250), gcPause: { pipeline: null, ceiling: null } }]).workerGcPauseMicrosPerRow).toBeNaN();
  });
});
