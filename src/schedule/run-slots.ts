import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { forEachLimited } from '../concurrency/for-each-limited';
import type { IngestSlotInput } from '../contracts/ingest';
import { ingestSlot } from '../workflows/ingest-slot';
import { SLOT_TIMEOUT_MS } from './ensure-schedule';

/** The id the schedule gives a slot's workflow: the schedule id, a dash, the slot time to the second. */
export function slotWorkflowId(scheduleId: string, slot: Date): string {
  return `${scheduleId}-${slot.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

export interface RunSlotsOptions {
  scheduleId: string;
  taskQueue: string;
  usersPerSlot: number;
  slots: Date[];
  /** Slot workflows started and awaited at once. */
  concurrency?: number;
  /** false: start every slot's workflow and return without waiting for them. */
  wait?: boolean;
  onProgress?: (progress: { done: number; failed: number; total: number }) => void;
  /** 'failed-only': a slot whose workflow already completed is not run again (counted as completed). */
  rerun?: 'always' | 'failed-only';
  /** The execution timeout the schedule gives its slots (SLOT_TIMEOUT). */
  slotTimeoutMs?: number;
}

/**
 * A backfill run by the pipeline itself: starts each slot's workflow directly, with the id and input
 * the schedule would give it (so the slot fetches the same users, and a slot already running is
 * joined, not run twice), `concurrency` at a time. The schedule's own backfill starts at most 10
 * runs a second (the server's scheduler buffers 10 backfilled actions per iteration and sleeps at
 * least 1 s between iterations); this is bound only by the workers.
 */
export async function runSlots(temporal: Client, options: RunSlotsOptions): Promise<{ completed: number; failed: number }> {
  const concurrency = options.concurrency ?? 64;
  let completed = 0;
  let failed = 0;
  const runOne = async (slot: Date) => {
    const input: IngestSlotInput = { scheduleId: options.scheduleId, usersPerSlot: options.usersPerSlot, slotTime: slot.toISOString() };
    let handle;
    try {
      handle = await temporal.workflow.start(ingestSlot, {
        taskQueue: options.taskQueue,
        workflowId: slotWorkflowId(options.scheduleId, slot),
        args: [input],
        workflowExecutionTimeout: options.slotTimeoutMs ?? SLOT_TIMEOUT_MS,
        workflowIdConflictPolicy: 'USE_EXISTING',
        ...(options.rerun === 'failed-only' ? { workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' as const } : {}),
      });
    } catch (error) {
      // Only with 'failed-only': the slot already completed, which is what was asked.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      completed += 1;
      options.onProgress?.({ done: completed + failed, failed, total: options.slots.length });
      return;
    }
    if (options.wait === false) return;
    try {
      await handle.result();
      completed += 1;
    } catch {
      failed += 1;
    }
    options.onProgress?.({ done: completed + failed, failed, total: options.slots.length });
  };
  await forEachLimited(options.slots, concurrency, runOne);
  return { completed, failed };
}
