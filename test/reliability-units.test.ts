/**
 * The pure pieces of the request lifecycle, without Node-RED: the scheduler (limit, bounded FIFO queue, queue
 * wait, cancellation), the retry decisions and Retry-After parsing, the masking copies, and the ticket's cancel.
 */
import assert from 'node:assert/strict';
import { redact } from '../lib/errors';
import { lastFour, maskConfig, maskData, MAX_DEPTH, scrubText, sensitiveValues } from '../lib/mask';
import { backoffMs, decideRetry, parseRetryAfter, RetryPolicy } from '../lib/connection/retry';
import { QueueError, Scheduler } from '../lib/connection/scheduler';
import { Ticket } from '../lib/connection/ticket';

const policy: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 2000 };
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('scheduler', () => {
  it('lets `limit` through at once and queues the rest in arrival order', async () => {
    const s = new Scheduler({ limit: 2, queueLength: 10, queueWaitMs: 60_000 });
    const order: number[] = [];
    const all = [1, 2, 3, 4, 5].map((n) => s.acquire().then(() => order.push(n)));
    await tick();
    assert.deepEqual(order, [1, 2]);
    assert.equal(s.inFlight, 2);
    assert.equal(s.queued, 3);
    s.release();
    await tick();
    assert.deepEqual(order, [1, 2, 3]);
    s.release();
    s.release();
    await Promise.all(all);
    assert.deepEqual(order, [1, 2, 3, 4, 5]);
    assert.equal(s.queued, 0);
  });

  it('refuses at once when the queue is full', async () => {
    const s = new Scheduler({ limit: 1, queueLength: 2, queueWaitMs: 60_000 });
    await s.acquire();
    const waiting = [s.acquire(), s.acquire()];
    await assert.rejects(s.acquire(), (err: unknown) => err instanceof QueueError && err.reason === 'queueFull');
    assert.equal(s.queued, 2);
    s.cancelAll();
    for (const w of waiting) await assert.rejects(w, (err: unknown) => err instanceof QueueError && err.reason === 'cancelled');
    assert.equal(s.queued, 0);
  });

  it('a waiter past the queue wait leaves with queueWait and is skipped; the slot goes to the next', async () => {
    const s = new Scheduler({ limit: 1, queueLength: 5, queueWaitMs: 30 });
    await s.acquire();
    const late = s.acquire();
    await assert.rejects(late, (err: unknown) => err instanceof QueueError && err.reason === 'queueWait');
    assert.equal(s.queued, 0);
    const next = s.acquire();
    s.release();
    await next;
    assert.equal(s.inFlight, 1);
  });

  it('a cancelled waiter never gets a slot', async () => {
    const s = new Scheduler({ limit: 1, queueLength: 5, queueWaitMs: 60_000 });
    await s.acquire();
    let leave: (() => void) | undefined;
    const first = s.acquire((cancel) => (leave = cancel));
    const second = s.acquire();
    leave?.();
    await assert.rejects(first, (err: unknown) => err instanceof QueueError && err.reason === 'cancelled');
    s.release();
    await second;
    assert.equal(s.inFlight, 1);
    assert.equal(s.queued, 0);
  });
});

describe('retry decisions', () => {
  it('a write is retried only when it never reached the server or was refused with 429', () => {
    for (const outcome of [
      { kind: 'timeout' },
      { kind: 'reset' },
      { kind: 'response', status: 502 },
      { kind: 'response', status: 503 },
      { kind: 'response', status: 500 },
    ] as const) {
      assert.equal(decideRetry(outcome, 1, false, policy).retry, false, JSON.stringify(outcome));
    }
    assert.equal(decideRetry({ kind: 'neverSent' }, 1, false, policy).retry, true);
    assert.equal(decideRetry({ kind: 'response', status: 429 }, 1, false, policy).retry, true);
  });

  it('a read is retried on 502, 503, 504, timeouts and resets, not on 500 or 4xx', () => {
    for (const outcome of [
      { kind: 'timeout' },
      { kind: 'reset' },
      { kind: 'response', status: 502 },
      { kind: 'response', status: 503 },
      { kind: 'response', status: 504 },
    ] as const) {
      assert.equal(decideRetry(outcome, 1, true, policy).retry, true, JSON.stringify(outcome));
    }
    for (const status of [400, 401, 404, 500]) assert.equal(decideRetry({ kind: 'response', status }, 1, true, policy).retry, false, String(status));
  });

  it('stops after the policy’s attempts', () => {
    assert.equal(decideRetry({ kind: 'response', status: 503 }, 2, true, policy).retry, true);
    assert.equal(decideRetry({ kind: 'response', status: 503 }, 3, true, policy).retry, false);
    assert.equal(decideRetry({ kind: 'neverSent' }, 1, true, { ...policy, attempts: 1 }).retry, false);
  });

  it('honours Retry-After, and does not retry when it asks for longer than the maximum delay', () => {
    assert.deepEqual(decideRetry({ kind: 'response', status: 503, retryAfterMs: 1500 }, 1, true, policy), { retry: true, delayMs: 1500 });
    assert.deepEqual(decideRetry({ kind: 'response', status: 429, retryAfterMs: 5000 }, 1, false, policy), { retry: false, advisedMs: 5000 });
  });

  it('backs off exponentially with full jitter, capped', () => {
    assert.equal(
      backoffMs(policy, 1, () => 1),
      100,
    );
    assert.equal(
      backoffMs(policy, 3, () => 1),
      400,
    );
    assert.equal(
      backoffMs(policy, 10, () => 1),
      2000,
    );
    assert.equal(
      backoffMs(policy, 3, () => 0),
      0,
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter(' 1.5 ', now), 1500);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('masking copies', () => {
  it('masks account, routing, card and personal fields of every family, whatever their case', () => {
    const masked = maskData({
      items: [{ Account: { ABA: '022222222', Account: '99887766' } }],
      accountNumber: '123456789012',
      routing_number: 111000025,
      cardNumber: '4111111111111111',
      cardCode: '123',
      SSN: '123456789',
      TaxID: '987654321',
      name: 'kept',
    });
    assert.deepEqual(masked, {
      items: [{ Account: { ABA: '******2222', Account: '******7766' } }],
      accountNumber: '******9012',
      routing_number: '******0025',
      cardNumber: '******1111',
      cardCode: '***',
      SSN: '******6789',
      TaxID: '******4321',
      name: 'kept',
    });
    assert.equal(lastFour('123'), '******');
  });

  it('removes token fields and scrubs secrets inside strings', () => {
    const secrets = ['s3cr3t-value', 'tok-abcdef'];
    assert.deepEqual(maskData({ access_token: 'x', note: 'client_secret=s3cr3t-value; Bearer tok-abcdef' }, secrets), {
      note: 'client_secret=***; Bearer ***',
    });
    assert.equal(scrubText('no secret here', secrets), 'no secret here');
    // a clipped text that ends inside a secret loses that start too
    assert.equal(scrubText('denied for s3cr3t…', secrets), 'denied for ***…');
  });

  it('digits inside ids are not masked: a UUID whose first group is all digits, a hex object id', () => {
    for (const id of ['67025042-859a-4d38-be94-2edec6685037', '202dc7c1-3b57-4579-934c-0e82bac9b367', '64b000000000000000000001']) {
      assert.equal(redact(`requestid ${id}`), `requestid ${id}`);
    }
    assert.equal(redact('card 4111-1111-1111-1111 and SSN 123-45-6789'), 'card ******1111 and SSN ******6789');
  });

  it('a server body: digit runs in free text masked, fields by name, secrets scrubbed', () => {
    const body = { message: 'card 4111111111111111 and key s3cr3t-value', cardNumber: '4111111111111111' };
    assert.deepEqual(maskData(body, ['s3cr3t-value'], true), { message: 'card ******1111 and key ***', cardNumber: '******1111' });
    assert.deepEqual(sensitiveValues({ a: [{ cardCode: '123', accountNumber: 99887766 }], name: 'x' }).sort(), ['123', '99887766']);
  });

  it('never takes a prototype from input, and ignores inherited keys', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, "Account": "123456789"}') as Record<string, unknown>;
    const copy = maskData(input) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal(copy.polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(copy, '__proto__'), false);
    assert.equal(copy.Account, '******6789');
    const inherited = Object.create({ Account: '123456789' }) as Record<string, unknown>;
    assert.deepEqual(maskData(inherited), {});
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('does not overflow the stack on deep input: nesting is cut at MAX_DEPTH', () => {
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    let node = maskData(deep) as Record<string, unknown>;
    let depth = 1;
    while (typeof node.next === 'object' && node.next !== null) {
      node = node.next as Record<string, unknown>;
      depth += 1;
    }
    assert.equal(depth, MAX_DEPTH);
    assert.equal(node.next, '[nested too deeply]');
  });

  it('msg.config: sensitive keys removed, the rest masked', () => {
    const config = maskConfig({ ssn: '123456789', clientSecret: 'x', userID: 3, Account: '123456789' }, new Set(['ssn', 'clientSecret']));
    assert.deepEqual(config, { userID: 3, Account: '******6789' });
    assert.equal(maskConfig('not an object', new Set()), 'not an object');
  });
});

describe('ticket', () => {
  it('a queued ticket leaves the queue at once when cancelled; a sending one is aborted after the grace', async () => {
    const phases: string[] = [];
    const queued = new Ticket((t) => phases.push(t.phase));
    let left = false;
    queued.queued(() => (left = true));
    queued.cancel(1000);
    assert.equal(left, true);
    assert.equal(queued.signal.aborted, true);

    const sending = new Ticket();
    sending.setPhase('sending');
    sending.cancel(40);
    assert.equal(sending.cancelled, true);
    assert.equal(sending.signal.aborted, false, 'the grace period runs first');
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(sending.signal.aborted, true);
    assert.deepEqual(phases, ['queued']);
  });

  it('a cancel ends a retry wait at once', async () => {
    const ticket = new Ticket();
    const waited = ticket.sleep(60_000);
    ticket.cancel(0);
    await waited;
    assert.equal(ticket.cancelled, true);
  });
});
