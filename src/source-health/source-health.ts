/**
 * Counts the consecutive slots whose fetches failed in a lasting way. Pure: the gate feeds it the
 * outcomes of fetch attempts and acts when it says the source is down.
 */
export class SourceHealthTracker {
  private readonly failing = new Map<string, string>();
  private down = false;

  constructor(private readonly slotsToClose: number) {}

  /** A fetch of `slotTime` succeeded: the streak is over. */
  succeeded(): void {
    this.failing.clear();
  }

  /**
   * A fetch of `slotTime` failed; `cause` is set when the failure is a lasting one. Returns the cause to
   * report when this failure completes a streak of `slotsToClose` failing slots (once per outage).
   */
  failed(slotTime: string, cause: string | undefined): string | undefined {
    if (cause === undefined || this.down) return undefined;
    this.failing.set(slotTime, cause);
    if (this.failing.size < this.slotsToClose) return undefined;
    this.down = true;
    return cause;
  }

  /** The source answers again (or the gate was lifted): start counting afresh. */
  reset(): void {
    this.down = false;
    this.failing.clear();
  }

  /** The source is known to be down already (a pause found at start). */
  markDown(): void {
    this.down = true;
  }

  get isDown(): boolean {
    return this.down;
  }
}

const GATE_NOTE = /^source unhealthy since (\S+): (.*); paused by the source health gate/;

export function gateNote(since: Date, cause: string): string {
  return `source unhealthy since ${since.toISOString()}: ${cause}; paused by the source health gate, which resumes the schedule when the source answers again`;
}

/** When the gate paused the schedule, or undefined when the note is not the gate's (an operator's pause). */
export function gatePauseTime(note: string | undefined): Date | undefined {
  const match = GATE_NOTE.exec(note ?? '');
  return match ? new Date(match[1]!) : undefined;
}
