import { constants } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describeGcPause, gcPausePerRow } from '../../bench/cost-per-row';
import { addPause, observeGcPauses, type GcTotals } from '../../src/metrics/gc-pauses';
import { gcLines, renderPrometheus } from '../../src/metrics/prometheus';
import { PipelineCounters } from '../../src/metrics/pipeline-counters';

const empty = (): GcTotals => ({ seconds: { minor: 0, major: 0, incremental: 0, weakcb: 0 }, count: { minor: 0, major: 0, incremental: 0, weakcb: 0 } });

describe('the garbage collector\'s pauses (metrics and bench)', () => {
  it('adds each pause to its kind, in seconds, and skips entries of no known kind', () => {
    const totals = empty();
    addPause(totals, { duration: 2.5, detail: { kind: constants.NODE_PERFORMANCE_GC_MINOR } });
    addPause(totals, { duration: 1.5, detail: { kind: constants.NODE_PERFORMANCE_GC_MINOR } });
    addPause(totals, { duration: 12, detail: { kind: constants.NODE_PERFORMANCE_GC_MAJOR } });
    addPause(totals, { duration: 3, detail: { kind: 999 } });
    addPause(totals, { duration: 3 });
    expect(totals.seconds).toEqual({ minor: 0.004, major: 0.012, incremental: 0, weakcb: 0 });
    expect(totals.count).toEqual({ minor: 2, major: 1, incremental: 0, weakcb: 0 });
  });

  it('observes this thread\'s real collections until stopped', async () => {
    const gc = observeGcPauses();
    try {
      let kept: unknown[] = [];
      for (let round = 0; round < 500 && gc.count.minor === 0; round++) {
        kept = Array.from({ length: 20_000 }, (_, i) => ({ i, text: `row ${i}` }));
        await nextTurn();
      }
      expect(kept.length).toBe(20_000);
      expect(gc.count.minor).toBeGreaterThan(0);
      expect(gc.seconds.minor).toBeGreaterThan(0);
    } finally {
      gc.stop();
    }
  });

  it('serves them as counters by kind on /metrics', () => {
    const totals = empty();
    totals.seconds.minor = 1.25;
    totals.count.minor = 300;
    const lines = gcLines(totals);
    expect(lines).toContain('# TYPE nodejs_gc_pause_seconds_total counter');
    expect(lines).toContain('nodejs_gc_pause_seconds_total{kind="minor"} 1.25');
    expect(lines).toContain('nodejs_gc_pauses_total{kind="minor"} 300');
    expect(lines).toContain('nodejs_gc_pauses_total{kind="major"} 0');
    expect(renderPrometheus(new PipelineCounters(), { topic: 't' }, undefined, totals)).toMatch(/^nodejs_gc_pause_seconds_total\{kind="minor"\} 1\.25$/m);
    expect(renderPrometheus(new PipelineCounters(), { topic: 't' })).not.toMatch(/nodejs_gc_/);
  });

  it('turns two readings into µs a row, full collections with their steps', () => {
    const before = { minor: 1, major: 0.5, incremental: 0.01, weakcb: 0 };
    const after = { minor: 2.4, major: 0.7, incremental: 0.03, weakcb: 0.01 };
    expect(gcPausePerRow(before, after, 200_000)).toEqual({ minor: 7, major: 1.2 });
    expect(gcPausePerRow(before, after, 0)).toBeNull();
    expect(describeGcPause({ pipeline: { minor: 7, major: 1.2 }, ceiling: null })).toBe('; collector pauses a row: worker 8.2 µs (scavenges 7, full 1.2), ceiling writer not measured');
    expect(describeGcPause({ pipeline: null, ceiling: null })).toBe('');
  });
});
