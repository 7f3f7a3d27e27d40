import type { Client } from '@temporalio/client';

export interface SlotHealth {
  /** Slot workflows started and not closed: running, or waiting for an ingest worker. */
  open: number;
  /** Slot workflows that ended TimedOut or Failed, with the range of their slot times. */
  missed: number;
  missedFrom: string | null;
  missedTo: string | null;
}

const SLOT_TIME = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/;

/** Counts the slot workflows of an ingest task queue that are still open and those that never completed. */
export async function slotHealth(temporal: Client, ingestTaskQueue: string): Promise<SlotHealth> {
  const base = `WorkflowType = 'ingestSlot' AND TaskQueue = '${ingestTaskQueue}'`;
  const open = (await temporal.workflow.count(`${base} AND ExecutionStatus = 'Running'`)).count;
  const times: string[] = [];
  for await (const execution of temporal.workflow.list({ query: `${base} AND (ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Failed')` })) {
    const match = SLOT_TIME.exec(execution.workflowId);
    if (match) times.push(new Date(match[1]!).toISOString());
    if (times.length >= 10_000) break;
  }
  times.sort();
  return { open, missed: times.length, missedFrom: times[0] ?? null, missedTo: times[times.length - 1] ?? null };
}
