/**
 * When a request is tried again (the README's "Reliability" section documents the same rules):
 * - a request that never reached the server (connection refused, DNS failure) may be retried, whatever its method;
 * - HTTP 429 (the request was not processed) is retried for any method after the wait the server advises
 *   (`Retry-After`, or Helix's `throttle` advice);
 * - a read (GET, or a POST the operation table marks as a safe read) is retried on 502, 503, 504, a timeout
 *   or a connection reset, with exponential backoff and full jitter, honouring `Retry-After`;
 * - a write that may have reached the server is never retried.
 * A wait the server asks for that is longer than the policy's maximum delay is not waited for: the message
 * fails at once instead (retrying earlier than asked would only be refused again).
 */

export interface RetryPolicy {
  /** tries in all, the first included (1 = never retry) */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What happened on one try, as far as retrying is concerned. */
export type TryOutcome =
  { kind: 'response'; status: number; retryAfterMs?: number } | { kind: 'neverSent' } | { kind: 'timeout' } | { kind: 'reset' } | { kind: 'other' };

export type RetryDecision = { retry: false; advisedMs?: number } | { retry: true; delayMs: number };

const READ_RETRY_STATUSES = new Set([502, 503, 504]);

/** Exponential backoff with full jitter: a random wait in [0, min(max, base·2^(n-1))]. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * random());
}

/**
 * Whether try number `attempt` (1-based) is followed by another, and after how long. `safe` says the request
 * is a read (or a POST the operation table marks as a safe read).
 */
export function decideRetry(outcome: TryOutcome, attempt: number, safe: boolean, policy: RetryPolicy, random?: () => number): RetryDecision {
  if (attempt >= policy.attempts) return { retry: false };
  const advised = outcome.kind === 'response' ? outcome.retryAfterMs : undefined;
  let eligible: boolean;
  switch (outcome.kind) {
    case 'neverSent':
      eligible = true;
      break;
    case 'response':
      eligible = outcome.status === 429 || (safe && READ_RETRY_STATUSES.has(outcome.status));
      break;
    case 'timeout':
    case 'reset':
      eligible = safe;
      break;
    default:
      eligible = false;
  }
  if (!eligible) return { retry: false };
  if (advised !== undefined) {
    if (advised > policy.maxDelayMs) return { retry: false, advisedMs: advised };
    return { retry: true, delayMs: advised };
  }
  if (outcome.kind === 'response' && outcome.status === 429) return { retry: true, delayMs: Math.max(policy.baseDelayMs, backoffMs(policy, attempt, random)) };
  return { retry: true, delayMs: backoffMs(policy, attempt, random) };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
