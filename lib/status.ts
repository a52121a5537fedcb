/**
 * Node status: a blue dot while requests are in flight (with their count), then a green dot with the HTTP
 * status, or a red ring with a short reason. Texts are short and never contain a value from the message.
 */
import type { Node } from 'node-red';
import { t } from './i18n';

export class StatusTracker {
  private inFlight = 0;

  constructor(private readonly node: Node) {}

  start(): void {
    this.inFlight += 1;
    this.node.status({ fill: 'blue', shape: 'dot', text: t('status.requesting', { count: this.inFlight }) });
  }

  private finish(status: { fill: 'green' | 'red'; shape: 'dot' | 'ring'; text: string }): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight > 0 && status.fill === 'green') {
      this.node.status({ fill: 'blue', shape: 'dot', text: t('status.requesting', { count: this.inFlight }) });
      return;
    }
    this.node.status(status);
  }

  succeed(text: string): void {
    this.finish({ fill: 'green', shape: 'dot', text });
  }

  fail(text: string): void {
    this.finish({ fill: 'red', shape: 'ring', text });
  }

  /** A problem that exists before any message (e.g. no connection). */
  problem(text: string): void {
    this.node.status({ fill: 'red', shape: 'ring', text });
  }

  clear(): void {
    this.inFlight = 0;
    this.node.status({});
  }
}
