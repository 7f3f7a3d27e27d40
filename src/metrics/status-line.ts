import type { LogFormat } from '../logging/log-lines';
import type { PipelineCounters } from './pipeline-counters';

/**
 * `npm start`'s status line, refreshed every second on a terminal or printed every 10 s into a log, with
 * the notes of what runs besides (the catch-up). Returns what stops it.
 */
export function showStatusLine(counters: PipelineCounters, notes: { catchUp?: string; skipped?: string }, format: LogFormat): () => void {
  // JSON lines are for a collector: a line every 10 s, never a line rewritten in place.
  const interactive = process.stdout.isTTY === true && format === 'text';
  const render = () =>
    [
      `slots ${counters.slotsRun} · fetched ${counters.usersFetched} · published ${counters.usersPublished} · written ${counters.rowsWritten} (${counters.batchesWritten} batches) · DLQ ${counters.deadLettered} · rejected ${counters.sourceRejected} · lag ${counters.consumerLag ?? '?'}`,
      ...(notes.catchUp ? [notes.catchUp] : []),
      ...(notes.skipped ? [notes.skipped] : []),
    ].join(' · ');
  const timer = setInterval(() => {
    if (interactive) process.stdout.write(`\r\x1b[2K${render()}`);
    else console.log(render());
  }, interactive ? 1000 : 10_000);
  return () => clearInterval(timer);
}
