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
  /** Every user the slot fetched is a row in Cassandra, a dead letter, or a source reject on the DLQ. */
  | { kind: 'reconciled'; run: SlotRun; fetched: number; rows: number; deadLettered: number; rejected: number }
  /** Fetched users that are none of those, or fewer published and rejected than fetched. */
  | { kind: 'mismatch'; run: SlotRun; fetched: number; published: number; rows: number; deadLettered: number; rejected: number; missing: string[] }
  /** The slot's workflow ended without completing: its users never reached Kafka. */
  | { kind: 'not-completed'; run: SlotRun }
  /** Still running, or closed too recently for its records to have been consumed. */
  | { kind: 'pending'; run: SlotRun }
  /** Completed before slots recorded the ids they fetched: nothing to reconcile against. */
  | { kind: 'unaudited'; run: SlotRun };

/**
 * Reconciles one slot: fetched = written + dead-lettered + rejected. The ids its workflow published
 * against the ids Cassandra holds and the ids in the dead-letter queue; the users it rejected against
 * the source rejects on the dead-letter queue (or, once replayed after a fix, their rows). Pure: the
 * caller reads Temporal, Cassandra and Kafka.
 */
export function reconcileSlot(run: SlotRun, present: ReadonlySet<string>, deadLettered: ReadonlySet<string>, settledBefore: Date, quarantined: ReadonlySet<string> = new Set()): SlotVerdict {
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
  let rejected = 0;
  for (const reject of result.rejects ?? []) {
    if (quarantined.has(reject.key) || (reject.uuid !== undefined && present.has(reject.uuid))) rejected++;
    else missing.push(`rejected ${reject.uuid ?? 'user'} not on the DLQ (${reject.key})`);
  }
  const accounted = result.published + (result.rejected ?? 0);
  if (missing.length === 0 && accounted >= result.fetched) return { kind: 'reconciled', run, fetched: result.fetched, rows, deadLettered: dead, rejected };
  return { kind: 'mismatch', run, fetched: result.fetched, published: result.published, rows, deadLettered: dead, rejected, missing };
}

/** The one line `pipeline audit` prints for a slot that does not reconcile. */
export function describeVerdict(verdict: SlotVerdict): string {
  const { slotTime, workflowId } = verdict.run;
  const at = `slot ${slotTime} (${workflowId})`;
  switch (verdict.kind) {
    case 'mismatch': {
      const parts = [`fetched ${verdict.fetched}`, `published ${verdict.published}`, `in Cassandra ${verdict.rows}`, `dead-lettered ${verdict.deadLettered}`, `rejected ${verdict.rejected}`];
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
      return `${at}: reconciled (${verdict.rows} rows, ${verdict.deadLettered} dead-lettered, ${verdict.rejected} rejected)`;
  }
}
