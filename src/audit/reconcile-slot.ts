import type { IngestSlotResult } from '../contracts/ingest';

/** One run of a slot's workflow, as visibility and its result tell it. */
export interface SlotRun {
  workflowId: string;
  slotTime: string;
  /** Temporal's execution status name: COMPLETED, FAILED, TIMED_OUT, RUNNING, TERMINATED, CANCELLED… */
  status: string;
  closedAt?: Date;
  result?: IngestSlotResult;
}

export type SlotVerdict =
  /** Every user the slot fetched is a row in Cassandra or a dead letter. */
  | { kind: 'reconciled'; run: SlotRun; fetched: number; rows: number; deadLettered: number }
  /** Fetched users that are neither a row nor a dead letter, or fewer published than fetched. */
  | { kind: 'mismatch'; run: SlotRun; fetched: number; published: number; rows: number; deadLettered: number; missing: string[] }
  /** The slot's workflow ended without completing: its users never reached Kafka. */
  | { kind: 'not-completed'; run: SlotRun }
  /** Still running, or closed too recently for its records to have been consumed. */
  | { kind: 'pending'; run: SlotRun }
  /** Completed before slots recorded the ids they fetched: nothing to reconcile against. */
  | { kind: 'unaudited'; run: SlotRun };

/**
 * Reconciles one slot: the ids its workflow fetched against the ids Cassandra holds and the ids in the
 * dead-letter queue. Pure: the caller reads Temporal, Cassandra and Kafka.
 */
export function reconcileSlot(run: SlotRun, present: ReadonlySet<string>, deadLettered: ReadonlySet<string>, settledBefore: Date): SlotVerdict {
  if (run.status === 'RUNNING') return { kind: 'pending', run };
  if (run.status !== 'COMPLETED') return { kind: 'not-completed', run };
  if (run.closedAt && run.closedAt > settledBefore) return { kind: 'pending', run };
  const result = run.result;
  if (!result?.ids) return { kind: 'unaudited', run };
  let rows = 0;
  let dead = 0;
  const missing: string[] = [];
  for (const id of new Set(result.ids)) {
    if (present.has(id)) rows++;
    else if (deadLettered.has(id)) dead++;
    else missing.push(id);
  }
  if (missing.length === 0 && result.published >= result.fetched) return { kind: 'reconciled', run, fetched: result.fetched, rows, deadLettered: dead };
  return { kind: 'mismatch', run, fetched: result.fetched, published: result.published, rows, deadLettered: dead, missing };
}

/** The one line `pipeline audit` prints for a slot that does not reconcile. */
export function describeVerdict(verdict: SlotVerdict): string {
  const { slotTime, workflowId } = verdict.run;
  const at = `slot ${slotTime} (${workflowId})`;
  switch (verdict.kind) {
    case 'mismatch': {
      const parts = [`fetched ${verdict.fetched}`, `published ${verdict.published}`, `in Cassandra ${verdict.rows}`, `dead-lettered ${verdict.deadLettered}`];
      const shown = verdict.missing.slice(0, 5).join(', ');
      const more = verdict.missing.length > 5 ? ` and ${verdict.missing.length - 5} more` : '';
      return `${at}: ${parts.join(', ')}; missing ${verdict.missing.length}${verdict.missing.length ? `: ${shown}${more}` : ''}`;
    }
    case 'not-completed':
      return `${at}: ${verdict.run.status.toLowerCase().replace('_', ' ')}, its users never reached Kafka`;
    case 'pending':
      return `${at}: still settling`;
    case 'unaudited':
      return `${at}: ran before slots recorded their ids; not auditable`;
    case 'reconciled':
      return `${at}: reconciled (${verdict.rows} rows, ${verdict.deadLettered} dead-lettered)`;
  }
}
