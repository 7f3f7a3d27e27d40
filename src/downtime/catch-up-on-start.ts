import type { Client } from '@temporalio/client';
import type { PipelineConfig } from '../config/pipeline-config';
import { pipelineServers } from '../pipeline/clients';
import { slotScheduleSettings } from '../schedule/ensure-schedule';
import { runSlots } from '../schedule/run-slots';
import { waitForServer } from '../servers/wait-for-server';
import { isTemporalUnavailable } from '../temporal/unavailable';
import { pauseOwnSchedule, resumeOwnSchedule } from './own-schedule';
import { raceAbort } from '../concurrency/race-abort';

export const CATCH_UP_WAITING = 'catch-up waiting for Temporal';

/** What the catch-up shows on `npm start`'s status line while it runs. */
export interface CatchUpNotes {
  catchUp?: string;
  skipped?: string;
}

export interface CatchUpDeps {
  temporal: Client;
  config: PipelineConfig;
  notes: CatchUpNotes;
  log: (line: string) => void;
  /** Aborted when `npm start` stops: the retries end with it. */
  stopping: AbortSignal;
}

/**
 * At `npm start`: resumes a schedule this command paused when it last stopped, and runs the slots missed
 * meanwhile through the direct backfill path; an operator's pause stays. Each request is retried while
 * Temporal is away (the status line says `catch-up waiting for Temporal`), until it succeeds or the
 * process stops.
 */
export async function catchUpOnStart(deps: CatchUpDeps): Promise<void> {
  const { temporal, config, notes, log } = deps;
  const call = <T>(request: () => Promise<T>) =>
    waitForServer(pipelineServers(config).temporal, async () => {
      try {
        const value = await request();
        if (notes.catchUp === CATCH_UP_WAITING) notes.catchUp = undefined;
        return value;
      } catch (error) {
        if (isTemporalUnavailable(error)) notes.catchUp = CATCH_UP_WAITING;
        throw error;
      }
    }, { log, signal: deps.stopping, isBadSetting: (error) => !isTemporalUnavailable(error) });

  const { catchUpMaxGapMs } = config.schedule;
  const settings = slotScheduleSettings(config);
  const id = settings.scheduleId;
  const outcome = await resumeOwnSchedule(temporal, { ...settings, maxGapMs: catchUpMaxGapMs }, undefined, call);
  // With no missed slot to run, the first slot runs now rather than at the next interval boundary:
  // through the schedule's own trigger, so it is in the schedule's history like any other slot.
  const firstSlotNow = async () => {
    await call(() => temporal.schedule.getHandle(id).trigger());
    log(`schedule ${id}: first slot started now; then every ${config.schedule.intervalMs / 1000} s`);
  };
  if (outcome.kind === 'running') return firstSlotNow();
  if (outcome.kind === 'operator-paused') {
    log(`schedule ${id} is paused by an operator (${outcome.note || 'no note'}): left paused; npx pipeline schedule unpause resumes it`);
    return;
  }
  const gap = `${outcome.pausedAt.toISOString()} to now`;
  if (outcome.skipped) {
    notes.skipped = `skipped ${outcome.skipped.count} slots older than CATCH_UP_MAX_GAP`;
    log(`catch-up: ${outcome.skipped.count} slots from ${outcome.skipped.from.toISOString()} to ${outcome.skipped.to.toISOString()} are older than CATCH_UP_MAX_GAP (${catchUpMaxGapMs / 1000} s) and were skipped; npx pipeline schedule backfill --from ${outcome.skipped.from.toISOString()} --to ${outcome.skipped.to.toISOString()} runs them`);
  }
  log(`schedule ${id} resumed; running the ${outcome.slots.length} slot(s) missed while stopped (${gap}${outcome.unfinished ? `, and ${outcome.unfinished} that fired before the stop and did not finish` : ''})`);
  if (outcome.slots.length === 0) return firstSlotNow();
  notes.catchUp = `catch-up 0/${outcome.slots.length}`;
  // A slot already started is joined and one that completed is left alone, so running them all again is safe.
  const result = await call(() => runSlots(temporal, {
    ...settings,
    slots: outcome.slots,
    rerun: 'failed-only',
    onProgress: ({ done, total }) => (notes.catchUp = `catch-up ${done}/${total}`),
  }));
  notes.catchUp = undefined;
  log(`catch-up done: ${result.completed}/${outcome.slots.length} missed slots completed${result.failed ? `, ${result.failed} failed (see the Web UI)` : ''}`);
}

/**
 * On stopping `npm start`: pauses the schedule first, so no slot fires while no worker runs (the next
 * start resumes it and runs what it missed). Returns how it went, as the stop line says it; it does not
 * wait for Temporal past `abandon`.
 */
export async function pauseOnStop(temporal: Client, scheduleId: string, abandon: AbortSignal): Promise<string> {
  const pausing = pauseOwnSchedule(temporal, scheduleId).catch((error: unknown) => `not paused: ${(error as Error).message.split('\n')[0]}`);
  const paused = (await raceAbort(pausing, abandon)) ?? 'not paused: Temporal did not answer within SHUTDOWN_GRACE';
  return paused === 'paused' ? 'paused until the next npm start' : paused === 'already-paused' ? 'left paused (an operator paused it)' : paused;
}
