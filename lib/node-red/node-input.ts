/**
 * The input handler every Q2 node shares, and what happens to its messages when it closes.
 *
 * Every message ends exactly once: at the output (payload, statusCode, q2, msg.config patch), or at Catch
 * (done(err)) with the server's body or the input masked (account, routing, card, CVV, SSN and TaxID fields,
 * token fields, the connection's secrets), secrets removed from msg.config, and a red ring. If handing the
 * error to Catch itself fails (a message that cannot be cloned), the node logs that, with its id.
 *
 * On close (a stop, a full redeploy, or a deploy that changes the node or its connection) the node takes no
 * more messages; queued requests leave unsent, a retry wait ends, and requests on the wire get the connection's
 * grace period before they are aborted. Node-RED no longer routes messages then, so each message that had not
 * ended leaves exactly one log line instead: the node, the operation, the message id, whether the request
 * reached Q2, and the HTTP status and request id when known — enough for an operator to reconcile.
 */
import type { Node } from 'node-red';
import { Q2Error } from '../errors';
import { t } from '../i18n';
import type { Connection } from '../connection/connection';
import { isObject } from '../connection/envelope';
import { maskConfig, maskData, MIN_SECRET, scrubText, sensitiveValues } from '../mask';
import { SENSITIVE_CONFIG_KEYS } from '../model/registry';
import type { StatusTracker } from './status';
import { Ticket } from '../connection/ticket';

export type Q2Message = import('node-red').NodeMessageInFlow & { config?: unknown; statusCode?: number; q2?: Record<string, unknown> };

export interface OperationResult {
  payload: unknown;
  statusCode: number;
  q2: Record<string, unknown>;
  /** keys to set on msg.config (keeping the others) */
  configPatch?: Record<string, unknown>;
}

/** What a message's run may ask of the node: tickets for its requests, and the name of its operation (for logs). */
export interface RunContext {
  ticket(): Ticket;
  operation(name: string): void;
  /** a secret or personal value the message carries (an SSN, a client secret): scrubbed if a server echoes it */
  secret(value: unknown): void;
  /**
   * the request body: should the message fail, the values of its sensitive fields (card, account and routing
   * numbers) are scrubbed from what the server echoed — looked for then, not on every message
   */
  body(value: unknown): void;
}

export interface InputOptions {
  /** the node's palette label: error texts start with it */
  label: string;
  /** the node's connection, when it has a usable one: its secrets are scrubbed, its stop grace applies */
  connection?: Connection;
  /** a message property other than payload that held the request body, to mask as well */
  dataProperty?: { get(msg: Q2Message): unknown; set(msg: Q2Message, value: unknown): void };
  /** where the result (or the server's error body) goes, when not msg.payload: the node's output property */
  output?: { set(msg: Q2Message, value: unknown): void };
}

type Outcome = { ok: true; result: OperationResult } | { ok: false; error: Q2Error };

/** Time allowed past the grace period for stopped requests to settle before the close completes anyway. */
const SETTLE_MS = 2_000;

class Job {
  readonly tickets: Ticket[] = [];
  readonly secrets: string[] = [];
  readonly bodies: unknown[] = [];
  operation: string;
  outcome?: Outcome;
  /** set when the node closed before the message ended */
  stoppedGrace?: number;
  settled!: Promise<void>;

  constructor(
    readonly msgId: string,
    label: string,
  ) {
    this.operation = label;
  }

  cancel(graceMs: number): void {
    this.stoppedGrace = graceMs;
    for (const ticket of this.tickets) ticket.cancel(graceMs);
  }

  get sent(): boolean {
    return this.tickets.some((ticket) => ticket.sent);
  }

  get last(): Ticket | undefined {
    return this.tickets.at(-1);
  }
}

function asQ2Error(err: unknown): Q2Error {
  return err instanceof Q2Error ? err : new Q2Error(t('errors.unexpected'), { kind: 'network', status: t('status.failed') });
}

/** The one log line of a message the close stopped (README "Reliability": stop and redeploy). */
function stoppedLine(node: Node, job: Job): void {
  const last = job.last;
  const vars = {
    operation: job.operation,
    msgid: job.msgId,
    status: last?.status ?? (job.outcome?.ok ? job.outcome.result.statusCode : job.outcome?.error.statusCode) ?? t('errors.none'),
    requestId: last?.requestId ?? t('errors.none'),
  };
  if (!job.sent) {
    node.warn(t('log.stoppedUnsent', vars));
  } else if (job.outcome?.ok) {
    node.warn(t('log.stoppedAnswered', vars));
  } else if (last?.cancelledIn === 'waiting' && last.status !== undefined) {
    node.error(t('log.stoppedRetry', vars));
  } else if (job.outcome && job.outcome.error.kind !== 'stopped' && job.outcome.error.statusCode !== undefined) {
    node.error(t('log.stoppedFailed', vars));
  } else {
    node.error(t('log.stoppedUnknown', vars));
  }
}

export function wireInput(node: Node, status: StatusTracker, options: InputOptions, run: (msg: Q2Message, ctx: RunContext) => Promise<OperationResult>): void {
  const jobs = new Set<Job>();
  let closing = false;
  // status texts are built once per HTTP status, not once per message
  const okTexts = new Map<number, string>();
  const okText = (code: number): string => {
    let text = okTexts.get(code);
    if (text === undefined) okTexts.set(code, (text = t('status.ok', { status: code })));
    return text;
  };

  const onPhase = (ticket: Ticket, from: string): void => {
    if (ticket.phase === 'queued') status.queued(1);
    else if (from === 'queued') status.queued(-1);
  };

  function toOutput(message: Q2Message, result: OperationResult, send: (msg: Q2Message) => void, done: (err?: Error) => void): void {
    if (options.output) options.output.set(message, result.payload);
    else message.payload = result.payload;
    message.statusCode = result.statusCode;
    message.q2 = result.q2;
    if (result.configPatch) {
      const current = isObject(message.config) ? message.config : {};
      message.config = { ...current, ...result.configPatch };
    }
    status.succeed(okText(result.statusCode));
    send(message);
    done();
  }

  function toCatch(message: Q2Message, err: Q2Error, done: (err?: Error) => void, job: Job): void {
    const connectionSecrets = options.connection?.secrets() ?? [];
    const own = [...job.secrets, ...job.bodies.flatMap(sensitiveValues)].filter((value) => value.length >= MIN_SECRET);
    const secrets = own.length ? [...connectionSecrets, ...own].sort((a, b) => b.length - a.length) : connectionSecrets;
    const body = err.body === undefined ? undefined : own.length ? maskData(err.body, secrets) : err.body;
    // the input payload never reaches Catch unmasked: replaced by the server's body, or masked beside it
    if (body !== undefined && !options.output) message.payload = body;
    else message.payload = maskData(message.payload, secrets);
    if (body !== undefined && options.output) options.output.set(message, body);
    if (options.dataProperty) options.dataProperty.set(message, maskData(options.dataProperty.get(message), secrets));
    if (err.statusCode !== undefined) message.statusCode = err.statusCode;
    if (err.q2) message.q2 = err.q2;
    if (message.config !== undefined) message.config = maskConfig(message.config, SENSITIVE_CONFIG_KEYS, secrets);
    status.fail(err.status);
    const text = scrubText(`${options.label}: ${err.message}`, secrets);
    try {
      done(new Q2Error(text, { kind: err.kind, statusCode: err.statusCode, requestId: err.requestId, status: err.status }));
    } catch (failure) {
      node.error(
        t('log.catchFailed', { operation: job.operation, msgid: job.msgId, error: text, reason: failure instanceof Error ? failure.name : typeof failure }),
      );
    }
  }

  node.on('input', (msg, send, done) => {
    const message = msg as Q2Message;
    if (closing) {
      node.warn(t('log.afterClose', { operation: options.label, msgid: String(message._msgid ?? '') }));
      done();
      return;
    }
    const job = new Job(String(message._msgid ?? ''), options.label);
    jobs.add(job);
    status.start();
    const ctx: RunContext = {
      ticket: () => {
        const ticket = new Ticket(onPhase);
        job.tickets.push(ticket);
        if (job.stoppedGrace !== undefined) ticket.cancel(job.stoppedGrace);
        return ticket;
      },
      operation: (name) => {
        job.operation = name ? `${options.label} ${name}` : options.label;
      },
      secret: (value) => {
        if (typeof value === 'string' && value.length >= MIN_SECRET) job.secrets.push(value);
      },
      body: (value) => {
        job.bodies.push(value);
      },
    };
    let running: Promise<OperationResult>;
    try {
      running = run(message, ctx);
    } catch (err) {
      running = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    job.settled = running
      .then(
        (result): Outcome => ({ ok: true, result }),
        (err: unknown): Outcome => ({ ok: false, error: asQ2Error(err) }),
      )
      .then((outcome) => {
        job.outcome = outcome;
        // a message the close stopped is reported by the close, in one log line
        if (job.stoppedGrace !== undefined) return;
        jobs.delete(job);
        if (!outcome.ok) {
          toCatch(message, outcome.error, done, job);
          return;
        }
        try {
          toOutput(message, outcome.result, send, done);
        } catch (err) {
          toCatch(message, asQ2Error(err), done, job);
        }
      })
      .catch((err: unknown) => {
        // preparing the message for Catch failed (not the hand-over itself): still one line, with the message id
        node.error(
          t('log.catchFailed', { operation: job.operation, msgid: job.msgId, error: options.label, reason: err instanceof Error ? err.name : typeof err }),
        );
      });
  });

  node.on('close', (_removed: boolean, closed: () => void) => {
    closing = true;
    const open = [...jobs];
    jobs.clear();
    if (!open.length) {
      status.clear();
      closed();
      return;
    }
    const grace = options.connection?.reliability.graceMs ?? 0;
    for (const job of open) job.cancel(grace);
    const reported = new Set<Job>();
    const report = (job: Job): void => {
      if (reported.has(job)) return;
      reported.add(job);
      stoppedLine(node, job);
    };
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      for (const job of open) report(job);
      status.clear();
      closed();
    };
    const deadline = setTimeout(finish, grace + SETTLE_MS);
    for (const job of open) void job.settled.then(() => report(job));
    void Promise.all(open.map((job) => job.settled)).then(finish);
  });
}
