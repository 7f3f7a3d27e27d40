import type { Client } from '@temporalio/client';
import { ingestSlot } from '../workflows/ingest-slot';

export interface SlotHealth {
  /** Slot workflows started and not closed: running, or waiting for an ingest worker. */
  open: number;
  /** Slots whose latest run ended TimedOut or Failed (not run again since), with the range of their slot times. */
  missed: number;
  missedFrom: string | null;
  missedTo: string | null;
}

const SLOT_TIME = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/;

/** Counts the slot workflows of an ingest task queue that are still open and those that never completed. */
export async function slotHealth(temporal: Client, ingestTaskQueue: string): Promise<SlotHealth> {
  const base = `WorkflowType = '${ingestSlot.name}' AND TaskQueue = '${ingestTaskQueue}'`;
  const open = (await temporal.workflow.count(`${base} AND ExecutionStatus = 'Running'`)).count;
  const missedIds = new Set<string>();
  for await (const execution of temporal.workflow.list({ query: `${base} AND (ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Failed')` })) {
    missedIds.add(execution.workflowId);
    if (missedIds.size >= 1000) break;
  }
  const times: string[] = [];
  for (const workflowId of missedIds) {
    // A slot run again since (a backfill, a catch-up) is repaired: only its latest run counts.
    const latest = await temporal.workflow.getHandle(workflowId).describe();
    if (latest.status.name !== 'TIMED_OUT' && latest.status.name !== 'FAILED') continue;
    const match = SLOT_TIME.exec(workflowId);
    if (match) times.push(new Date(match[1]!).toISOString());
  }
  times.sort();
  return { open, missed: times.length, missedFrom: times[0] ?? null, missedTo: times[times.length - 1] ?? null };
}

/**
 * Slot times in [from, to] whose latest run timed out or failed: slots that fired while a pipeline was
 * stopping (its workers gone before they finished), to run again.
 */
export async function unfinishedSlots(temporal: Client, ingestTaskQueue: string, from: Date, to: Date): Promise<Date[]> {
  const query = `WorkflowType = '${ingestSlot.name}' AND TaskQueue = '${ingestTaskQueue}' AND (ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Failed') AND StartTime >= '${from.toISOString()}'`;
  const ids = new Set<string>();
  for await (const execution of temporal.workflow.list({ query })) ids.add(execution.workflowId);
  const slots: Date[] = [];
  for (const workflowId of ids) {
    const match = SLOT_TIME.exec(workflowId);
    if (!match) continue;
    const slot = new Date(match[1]!);
    if (slot < from || slot > to) continue;
    const latest = await temporal.workflow.getHandle(workflowId).describe();
    if (latest.status.name === 'TIMED_OUT' || latest.status.name === 'FAILED') slots.push(slot);
  }
  return slots.sort((a, b) => a.getTime() - b.getTime());
}
