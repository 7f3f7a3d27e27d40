import { slotsBetween } from '../schedule/slot-times';

/**
 * How `npm start` owns the running state of its schedule: it pauses it on stop with a note saying so
 * and since when, and on the next start resumes it and runs the slots missed in between. A pause with
 * any other note is an operator's, and a start leaves it alone.
 */
const OWN_PAUSE = /^stopped by npm start at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z); /;

export function ownPauseNote(at: Date): string {
  return `stopped by npm start at ${at.toISOString()}; the next npm start resumes the schedule and runs the slots missed`;
}

/** When `npm start` paused the schedule, or undefined when the note is not its own (an operator's pause). */
export function ownPauseTime(note: string | undefined): Date | undefined {
  const match = OWN_PAUSE.exec(note ?? '');
  return match ? new Date(match[1]!) : undefined;
}


export interface CatchUpPlan {
  /** Slots to run now, oldest first. */
  slots: Date[];
  /** Slots of the gap older than the longest gap to fill: left for an operator's backfill. */
  skipped?: { count: number; from: Date; to: Date };
}

/** The slots a schedule paused at `pausedAt` missed until `now`, the newest `maxGapMs` of them to run. */
export function catchUpPlan(input: { pausedAt: Date; now: Date; intervalMs: number; maxGapMs: number }): CatchUpPlan {
  const missed = slotsBetween(new Date(input.pausedAt.getTime() + 1), input.now, input.intervalMs);
  const oldest = input.now.getTime() - input.maxGapMs;
  const slots = missed.filter((s) => s.getTime() >= oldest);
  const skipped = missed.filter((s) => s.getTime() < oldest);
  return skipped.length === 0 ? { slots } : { slots, skipped: { count: skipped.length, from: skipped[0]!, to: skipped[skipped.length - 1]! } };
}
