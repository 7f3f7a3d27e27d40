import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** The collections V8 reports: scavenges of the young generation, full mark-compacts, and their smaller steps. */
export const GC_KINDS = ['minor', 'major', 'incremental', 'weakcb'] as const;
export type GcKind = (typeof GC_KINDS)[number];

const KIND_OF: Record<number, GcKind> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export interface GcTotals {
  /** Seconds the JavaScript thread was paused, by kind. */
  seconds: Record<GcKind, number>;
  /** Pauses, by kind. */
  count: Record<GcKind, number>;
}

const zeros = (): Record<GcKind, number> => ({ minor: 0, major: 0, incremental: 0, weakcb: 0 });

/**
 * Adds up the garbage collector's pauses of this thread, as Node reports them after each collection.
 * Work the collector's helper threads do alongside (parallel scavenging, concurrent marking) is not a
 * pause and is not counted: a process's thread CPU shows it.
 */
export function observeGcPauses(): GcTotals & { stop(): void } {
  const totals = { seconds: zeros(), count: zeros() };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) addPause(totals, entry);
  });
  observer.observe({ entryTypes: ['gc'] });
  // The observer adds into these very objects: what is returned is them, not a copy.
  return { seconds: totals.seconds, count: totals.count, stop: () => observer.disconnect() };
}

/** Pure: counts one `gc` performance entry into the totals. */
export function addPause(totals: GcTotals, entry: Pick<PerformanceEntry, 'duration'> & { detail?: unknown }): void {
  const kind = KIND_OF[(entry.detail as { kind?: number } | undefined)?.kind ?? -1];
  if (kind === undefined) return;
  totals.seconds[kind] += entry.duration / 1000;
  totals.count[kind] += 1;
}
