import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { SlotScheduleSettings } from '../schedule/ensure-schedule';
import { catchUpPlan, ownPauseNote, ownPauseTime, type CatchUpPlan } from './catch-up';
import { unfinishedSlots } from '../schedule/slot-health';

export type ResumeOutcome =
  | { kind: 'running' }
  | { kind: 'operator-paused'; note: string }
  | ({ kind: 'resumed'; pausedAt: Date; unfinished: number } & CatchUpPlan);

/**
 * At the start of `npm start`: a schedule it paused itself is resumed, and the slots missed since are
 * planned (the newest `maxGapMs` of them), after the slots that fired before the stop and timed out
 * or failed since (within one slot timeout of the stop); a schedule an operator paused stays paused.
 * `call` runs each request to the server, so a caller can retry each while the server is away: a retry
 * of the whole would find the schedule already unpaused and plan nothing.
 */
export async function resumeOwnSchedule(
  temporal: Client,
  settings: Pick<SlotScheduleSettings, 'scheduleId' | 'intervalMs' | 'taskQueue'> & { slotTimeoutMs: number; maxGapMs: number },
  clock: () => Date = () => new Date(),
  call: <T>(request: () => Promise<T>) => Promise<T> = (request) => request(),
): Promise<ResumeOutcome> {
  const handle = temporal.schedule.getHandle(settings.scheduleId);
  const { state } = await call(() => handle.describe());
  if (!state.paused) return { kind: 'running' };
  const pausedAt = ownPauseTime(state.note);
  if (!pausedAt) return { kind: 'operator-paused', note: state.note ?? '' };
  await call(() => handle.unpause(`resumed by npm start at ${clock().toISOString()}, after a stop since ${pausedAt.toISOString()}`));
  // The gap ends when the unpause has taken effect, not when it was asked for: a slot due in between
  // is not fired by a schedule that was still paused. A slot the schedule fires itself just after the
  // unpause may be planned too; both runs share its workflow id, so it runs once.
  const plan = catchUpPlan({ pausedAt, now: clock(), intervalMs: settings.intervalMs, maxGapMs: settings.maxGapMs });
  const unfinished = await call(() => unfinishedSlots(temporal, settings.taskQueue, new Date(pausedAt.getTime() - settings.slotTimeoutMs), pausedAt));
  return { kind: 'resumed', pausedAt, unfinished: unfinished.length, ...plan, slots: [...unfinished, ...plan.slots] };
}

/** On stopping `npm start`: pauses the schedule with its own note, unless it is paused already (or gone). */
export async function pauseOwnSchedule(temporal: Client, scheduleId: string, now = new Date()): Promise<'paused' | 'already-paused' | 'no-schedule'> {
  const handle = temporal.schedule.getHandle(scheduleId);
  try {
    if ((await handle.describe()).state.paused) return 'already-paused';
    await handle.pause(ownPauseNote(now));
    return 'paused';
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return 'no-schedule';
    throw error;
  }
}
