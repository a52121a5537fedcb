/**
 * The scheduler every connection owns: at most `limit` requests in flight, the others wait in a bounded
 * first-in-first-out queue. A request that finds the queue full is refused at once (nothing is sent); one that
 * waits longer than `queueWaitMs` leaves the queue with its own error, separate from the request timeout, which
 * only starts once the request is actually sent. Waiters can be cancelled (a node closing, a connection
 * closing); a cancelled waiter is skipped when its turn comes.
 */

export interface SchedulerLimits {
  /** requests in flight at most */
  limit: number;
  /** waiting requests at most */
  queueLength: number;
  /** how long a request may wait for its turn */
  queueWaitMs: number;
}

/** Why a waiter left the queue without its turn. */
export type QueueRefusal = 'queueFull' | 'queueWait' | 'cancelled';

export class QueueError extends Error {
  constructor(readonly reason: QueueRefusal) {
    super(reason);
    this.name = 'QueueError';
  }
}

interface Waiter {
  resolve: () => void;
  reject: (err: QueueError) => void;
  timer?: NodeJS.Timeout;
  settled: boolean;
  next?: Waiter;
}

/** Hands out slots; `release()` must be called exactly once per slot granted. */
export class Scheduler {
  private active = 0;
  private waiting = 0;
  private head?: Waiter;
  private tail?: Waiter;

  constructor(readonly limits: SchedulerLimits) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting;
  }

  /**
   * Resolves when the caller may send. `onQueued` runs when the caller has to wait; the returned `cancel`
   * (through `register`) removes a waiter from the queue.
   */
  acquire(register?: (cancel: () => void) => void): Promise<void> {
    if (this.active < this.limits.limit && this.waiting === 0) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiting >= this.limits.queueLength) return Promise.reject(new QueueError('queueFull'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, settled: false };
      if (this.limits.queueWaitMs > 0 && Number.isFinite(this.limits.queueWaitMs)) {
        waiter.timer = setTimeout(() => this.leave(waiter, 'queueWait'), this.limits.queueWaitMs);
      }
      if (this.tail) this.tail.next = waiter;
      else this.head = waiter;
      this.tail = waiter;
      this.waiting += 1;
      register?.(() => this.leave(waiter, 'cancelled'));
    });
  }

  /** Gives a slot back and hands it to the next live waiter. */
  release(): void {
    this.active = Math.max(0, this.active - 1);
    this.drain();
  }

  /** Refuses every waiter (the connection is closing); slots in use stay theirs until released. */
  cancelAll(): void {
    for (let w = this.head; w; w = w.next) this.leave(w, 'cancelled');
  }

  private leave(waiter: Waiter, reason: QueueRefusal): void {
    if (waiter.settled) return;
    waiter.settled = true;
    if (waiter.timer) clearTimeout(waiter.timer);
    this.waiting -= 1;
    waiter.reject(new QueueError(reason));
    // the settled waiter stays linked until its turn, when drain() skips it (constant cost per request)
  }

  private drain(): void {
    while (this.active < this.limits.limit && this.head) {
      const waiter = this.head;
      this.head = waiter.next;
      if (!this.head) this.tail = undefined;
      waiter.next = undefined;
      if (waiter.settled) continue;
      waiter.settled = true;
      if (waiter.timer) clearTimeout(waiter.timer);
      this.waiting -= 1;
      this.active += 1;
      waiter.resolve();
    }
    // drop settled waiters at the head so a cancelled burst does not stay linked
    while (this.head?.settled) {
      this.head = this.head.next;
      if (!this.head) this.tail = undefined;
    }
  }
}
