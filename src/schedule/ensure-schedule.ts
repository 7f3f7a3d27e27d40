import { ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import { createOrDescribe, describeIfExists } from './schedule-state';
import type { PipelineConfig } from '../config/pipeline-config';
import type { IngestSlotInput } from '../contracts/ingest';
import { ingestSlot } from '../workflows/ingest-slot';

/** The slot schedule as the configuration asks for it: the one mapping from PipelineConfig. */
export function slotScheduleSettings(config: PipelineConfig): Required<Omit<SlotScheduleSettings, 'createPaused'>> {
  return {
    scheduleId: config.schedule.id,
    intervalMs: config.schedule.intervalMs,
    usersPerSlot: config.schedule.usersPerSlot,
    taskQueue: config.temporal.ingestTaskQueue,
    slotTimeoutMs: config.schedule.slotTimeoutMs,
  };
}

export interface SlotScheduleSettings {
  scheduleId: string;
  intervalMs: number;
  usersPerSlot: number;
  taskQueue: string;
  /** Execution timeout of each slot's workflow (SLOT_TIMEOUT); default SLOT_TIMEOUT_MS. */
  slotTimeoutMs?: number;
  /** Only when creating: start paused with this note (an existing schedule keeps its own state). */
  createPaused?: string;
}

/**
 * Slots are independent and idempotent (seeded by slot time), so runs may overlap (ALLOW_ALL): a slow
 * slot never delays or drops the next one, and a backfill runs its slots side by side.
 *
 * Sized so that an absence of up to an hour loses nothing (docs/ARCHITECTURE.md, "Stopping"): a slot
 * started while no ingest worker polls waits on its task queue for up to SLOT_TIMEOUT_MS and runs
 * when a worker returns (a deploy, a crash and restart); slots the scheduler itself missed while the
 * Temporal server was down are taken when it returns, within the catch-up window. Older misses are a
 * job for backfill.
 */
export const SLOT_POLICIES = { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1 hour' } as const;
export const SLOT_TIMEOUT_MS = 3_600_000;
const HOUR_MS = 3_600_000;

export function desiredSchedule(settings: SlotScheduleSettings): ScheduleOptions {
  const input: IngestSlotInput = { scheduleId: settings.scheduleId, usersPerSlot: settings.usersPerSlot };
  return {
    scheduleId: settings.scheduleId,
    spec: { intervals: [{ every: settings.intervalMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: ingestSlot.name,
      // The schedule appends the slot time: `random-names-2026-11-24T12:00:10Z`.
      workflowId: settings.scheduleId,
      taskQueue: settings.taskQueue,
      args: [input],
      workflowExecutionTimeout: settings.slotTimeoutMs ?? SLOT_TIMEOUT_MS,
    },
    policies: { ...SLOT_POLICIES },
  };
}

/** True when the running schedule already does what the settings ask for. */
export function matchesSettings(description: ScheduleDescription, settings: SlotScheduleSettings): boolean {
  const interval = description.spec.intervals?.[0];
  const action = description.action;
  if (action.type !== 'startWorkflow') return false;
  const args = action.args as unknown[] | undefined;
  return (
    description.spec.intervals?.length === 1 &&
    Number(interval?.every) === settings.intervalMs &&
    action.workflowType === ingestSlot.name &&
    action.taskQueue === settings.taskQueue &&
    JSON.stringify(args?.[0]) === JSON.stringify({ scheduleId: settings.scheduleId, usersPerSlot: settings.usersPerSlot }) &&
    description.policies.overlap === SLOT_POLICIES.overlap &&
    Number(description.policies.catchupWindow) === HOUR_MS &&
    Number(action.workflowExecutionTimeout) === (settings.slotTimeoutMs ?? SLOT_TIMEOUT_MS)
  );
}

/**
 * Creates the slot schedule if missing, updates it if its spec or action changed, and otherwise
 * leaves it alone. A schedule an operator paused stays paused, with its note.
 */
export async function ensureSchedule(client: Client, settings: SlotScheduleSettings): Promise<'created' | 'updated' | 'unchanged'> {
  const desired = desiredSchedule(settings);
  const handle = client.schedule.getHandle(settings.scheduleId);
  let current = await describeIfExists(handle);
  if (!current) {
    const created = await createOrDescribe(client, handle, settings.createPaused ? { ...desired, state: { paused: true, note: settings.createPaused } } : desired);
    if (created === 'created') return created;
    current = created;
  }
  if (matchesSettings(current, settings)) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: desired.spec,
    action: desired.action,
    policies: desired.policies,
    state: { paused: previous.state.paused, note: previous.state.note },
  }));
  return 'updated';
}
