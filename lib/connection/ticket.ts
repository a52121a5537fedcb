/**
 * One message's request as the connection carries it: where it is (queued, on the wire, waiting to retry),
 * how many tries it took, whether any try may have reached the server, and the last HTTP status and request
 * id. A node keeps the tickets of its unfinished messages so that, when it closes, it can stop them and say for
 * each whether it reached Q2.
 */

export type Phase = 'new' | 'queued' | 'sending' | 'waiting' | 'done';

export class Ticket {
  phase: Phase = 'new';
  /** tries made so far */
  attempts = 0;
  /** a try was handed to the network and may have reached the server */
  sent = false;
  /** the last HTTP status received */
  status?: number;
  requestId?: string;
  /** set by cancel(): no further try starts */
  cancelled = false;
  /** the phase the ticket was in when it was cancelled */
  cancelledIn?: Phase;
  private readonly abort = new AbortController();
  private leaveQueue?: () => void;
  private wake?: () => void;
  private graceTimer?: NodeJS.Timeout;

  /** `onPhase` is told each change of phase (for the node's status). */
  constructor(private readonly onPhase?: (ticket: Ticket, from: Phase) => void) {}

  /** Aborts the try on the wire (after a cancel's grace period). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  setPhase(phase: Phase): void {
    if (phase === this.phase || this.phase === 'done') return;
    const from = this.phase;
    this.phase = phase;
    if (phase === 'done' && this.graceTimer) clearTimeout(this.graceTimer);
    this.onPhase?.(this, from);
  }

  /** The scheduler's way to take this ticket out of its queue. */
  queued(leave: () => void): void {
    this.leaveQueue = leave;
    this.setPhase('queued');
  }

  /**
   * Stops the request: a queued one leaves the queue unsent, a retry wait ends without another try, and a try
   * on the wire has `graceMs` to finish before it is aborted.
   */
  cancel(graceMs: number): void {
    if (this.cancelled || this.phase === 'done') return;
    this.cancelled = true;
    this.cancelledIn = this.phase;
    if (this.phase === 'queued') this.leaveQueue?.();
    this.wake?.();
    if (this.phase === 'sending' && graceMs > 0) {
      this.graceTimer = setTimeout(() => this.abort.abort(), graceMs);
    } else {
      this.abort.abort();
    }
  }

  /** Waits `ms` before the next try; a cancel ends the wait at once. */
  sleep(ms: number): Promise<void> {
    if (this.cancelled) return Promise.resolve();
    this.setPhase('waiting');
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
