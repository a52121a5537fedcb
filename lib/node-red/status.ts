/**
 * Node status: a blue dot while messages are in progress, with how many are on the wire and how many wait in
 * the connection's queue; then a green dot with the HTTP status, or a red ring with a short reason. Texts are
 * short and never contain a value from the message. Under load the counts are redrawn at most every
 * REDRAW_MS, so a burst of messages costs a few status updates, not one per message; the final state of a
 * quiet node is shown at once.
 */
import type { Node } from 'node-red';
import { t } from '../i18n';

const REDRAW_MS = 250;

type Shown = { fill: 'green' | 'red' | 'blue'; shape: 'dot' | 'ring'; text: string };

export class StatusTracker {
  /** messages in progress */
  private busy = 0;
  /** of those, waiting in the connection's queue */
  private waiting = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly node: Node) {}

  get inProgress(): number {
    return this.busy;
  }

  start(): void {
    this.busy += 1;
    if (this.busy === 1) this.draw();
    else this.later();
  }

  /** A message entered (+1) or left (-1) the connection's queue. */
  queued(delta: 1 | -1): void {
    this.waiting = Math.max(0, this.waiting + delta);
    this.later();
  }

  succeed(text: string): void {
    this.end({ fill: 'green', shape: 'dot', text });
  }

  fail(text: string): void {
    this.end({ fill: 'red', shape: 'ring', text });
  }

  /** A problem that exists before any message (e.g. no connection). */
  problem(text: string): void {
    this.node.status({ fill: 'red', shape: 'ring', text });
  }

  /** Something to know before any message that may still work (e.g. no credentials: a message may bring its own). */
  notice(text: string): void {
    this.node.status({ fill: 'yellow', shape: 'ring', text });
  }

  clear(): void {
    this.busy = 0;
    this.waiting = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.node.status({});
  }

  private end(shown: Shown): void {
    this.busy = Math.max(0, this.busy - 1);
    if (this.busy === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.node.status(shown);
    } else if (shown.fill === 'red') {
      this.node.status(shown);
    } else {
      this.later();
    }
  }

  private later(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.busy > 0) this.draw();
    }, REDRAW_MS);
  }

  private draw(): void {
    const sending = Math.max(0, this.busy - this.waiting);
    const text = this.waiting ? t('status.busyQueued', { count: sending, queued: this.waiting }) : t('status.requesting', { count: sending });
    this.node.status({ fill: 'blue', shape: 'dot', text });
  }
}
