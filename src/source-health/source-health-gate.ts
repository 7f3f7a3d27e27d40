import type { Client } from '@temporalio/client';
import { slotsBetween } from '../schedule/slot-times';
import { gateNote, gatePauseTime, SourceHealthTracker } from './source-health';
import type { PipelineConfig } from '../config/pipeline-config';

export interface SourceHealthGateOptions {
  temporal: Client;
  /** The process's `config.schedule`, whole: the schedule the gate pauses. */
  schedule: Pick<PipelineConfig['schedule'], 'id' | 'intervalMs'>;
  /** The process's `config.sourceHealth`, whole: failedSlots consecutive failing slots close the gate; probed every probeIntervalMs. */
  settings: Pick<PipelineConfig['sourceHealth'], 'failedSlots' | 'probeIntervalMs'>;
  /** One cheap request to the source; rejects while it is down. */
  probe: () => Promise<void>;
  log: (line: string) => void;
  onChange?: (closed: boolean) => void;
}

/**
 * Pauses the slot schedule when the source has failed in a lasting way for K consecutive slots, with
 * a note naming the cause and the time, then probes the source; when it answers, resumes the schedule
 * and names the slots missed meanwhile with the backfill command that runs them. It only ever lifts its
 * own pause: a schedule an operator paused (any other note) is left alone.
 */
export class SourceHealthGate {
  private readonly tracker: SourceHealthTracker;
  private probing?: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly options: SourceHealthGateOptions) {
    this.tracker = new SourceHealthTracker(options.settings.failedSlots);
  }

  fetched(): void {
    if (!this.tracker.isDown) this.tracker.succeeded();
  }

  failed(slotTime: string, cause: string | undefined): void {
    const closing = this.tracker.failed(slotTime, cause);
    if (closing) void this.close(closing).catch((error: unknown) => this.options.log(`source health gate: could not pause the schedule: ${(error as Error).message.split('\n')[0]}`));
  }

  /** At start: a pause the gate left in an earlier process is probed and lifted by this one. */
  async adoptPause(): Promise<void> {
    const { state } = await this.options.temporal.schedule.getHandle(this.options.schedule.id).describe();
    if (!state.paused || !gatePauseTime(state.note)) return;
    this.tracker.markDown();
    this.options.onChange?.(true);
    this.options.log(`source health gate: schedule ${this.options.schedule.id} was paused by the gate (${state.note}); probing the source`);
    this.probing ??= setInterval(() => void this.probeOnce(), this.options.settings.probeIntervalMs);
  }

  stop(): void {
    if (this.probing) clearInterval(this.probing);
    this.probing = undefined;
  }

  private async close(cause: string): Promise<void> {
    const { temporal } = this.options;
    const { id: scheduleId } = this.options.schedule;
    const { failedSlots } = this.options.settings;
    const handle = temporal.schedule.getHandle(scheduleId);
    const { state } = await handle.describe();
    if (state.paused) {
      this.options.log(`source health gate: the source failed ${failedSlots} slots in a row (${cause}); the schedule is already paused (${state.note ?? 'no note'}), left as it is`);
    } else {
      await handle.pause(gateNote(new Date(), cause));
      this.options.log(`source health gate: the source failed ${failedSlots} slots in a row (${cause}); schedule ${scheduleId} paused until it answers again`);
      this.options.onChange?.(true);
    }
    this.probing ??= setInterval(() => void this.probeOnce(), this.options.settings.probeIntervalMs);
  }

  private async probeOnce(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.options.probe();
    } catch {
      this.busy = false;
      return; // still down
    }
    try {
      await this.reopen();
    } catch (error) {
      this.options.log(`source health gate: the source answers again, but the schedule could not be resumed: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      this.busy = false;
    }
  }

  private async reopen(): Promise<void> {
    const { temporal } = this.options;
    const { id: scheduleId, intervalMs } = this.options.schedule;
    const handle = temporal.schedule.getHandle(scheduleId);
    const { state } = await handle.describe();
    const pausedAt = state.paused ? gatePauseTime(state.note) : undefined;
    this.stop();
    this.tracker.reset();
    this.options.onChange?.(false);
    if (!pausedAt) {
      this.options.log(`source health gate: the source answers again; schedule ${scheduleId} ${state.paused ? `stays paused by an operator (${state.note ?? 'no note'})` : 'is running'}`);
      return;
    }
    const now = new Date();
    const missed = slotsBetween(new Date(pausedAt.getTime() + 1), now, intervalMs);
    const range = missed.length > 0 ? `--from ${missed[0]!.toISOString()} --to ${missed[missed.length - 1]!.toISOString()}` : '';
    await handle.unpause(`resumed by the source health gate at ${now.toISOString()}: the source answers again${missed.length ? `; ${missed.length} slot(s) missed, run them with: pipeline schedule backfill ${range}` : ''}`);
    this.options.log(
      `source health gate: the source answers again; schedule ${scheduleId} resumed${missed.length ? `; ${missed.length} slot(s) missed since ${pausedAt.toISOString()}: npx pipeline schedule backfill ${range}` : ''}`,
    );
  }
}
