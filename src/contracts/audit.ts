/**
 * The shapes that cross the workflow boundary for the audit: the window an `auditSlotWindow` run
 * reconciles, what it found, and the activity that does the reading.
 */

export interface AuditWindowInput {
  /** Length of the window: the audit schedule's interval, so consecutive runs tile the timeline. */
  intervalMs: number;
  /** The window ends this long before the run's scheduled time, so its slots had time to land. */
  settleMs: number;
}

export interface AuditRangeInput {
  from: string;
  to: string;
  settleMs: number;
}

/** How the slots of a window stand: the part of an audit that both the CLI's report and the workflow's summary carry. */
export interface AuditCounts {
  from: string;
  to: string;
  slots: number;
  reconciled: number;
  pending: number;
  unaudited: number;
}

/** What an audit run returns into history: the counts and one line per mismatched slot. */
export interface AuditSummary extends AuditCounts {
  mismatchedSlots: number;
  missingUsers: number;
  /** One line per slot that does not reconcile (the first 100). */
  mismatches: string[];
}

export interface AuditActivities {
  auditRange(input: AuditRangeInput): Promise<AuditSummary>;
}
