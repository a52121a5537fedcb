/**
 * Reading CorePro/Helix responses: `{data, errors, requestId, status, throttle}` (docs/api-notes.md §3.1).
 * Failure ⇔ HTTP ≥ 400 or a non-empty `errors` list of `{code, message}`; `throttle` (present past 80 % of the
 * rate limit) is passed on in msg.q2.throttle.
 */
import type { ApiFamily, Interpreted } from '../connection/connection';
import type { HttpResponse } from '../connection/http';
import { parseJson, reasonsFrom } from '../connection/envelope';

/**
 * The wait Helix's `throttle` advises, in ms: its `reset` (seconds until the rate window resets) when it is a
 * number. The object's shape is not documented (Q2 only says it appears past 80 % of the limit, docs/api-notes.md §3.1).
 */
function throttleWaitMs(throttle: unknown): number | undefined {
  if (throttle === null || typeof throttle !== 'object') return undefined;
  const reset = (throttle as Record<string, unknown>).reset;
  return typeof reset === 'number' && Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
}

export const coreproFamily: ApiFamily = {
  id: 'corepro',
  userTokens: false,
  interpret(res: HttpResponse): Interpreted {
    const parsed = parseJson(res.text);
    const headerId = res.headers['x-request-id'] ?? res.headers['request-id'];
    if (!parsed.ok) return { ok: false, unreadable: true, body: res.text || undefined, requestId: headerId, reasons: [] };
    const body = parsed.value;
    const env = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const requestId = typeof env.requestId === 'string' ? env.requestId : headerId;
    const errors = Array.isArray(env.errors) ? env.errors : [];
    const failed = res.status >= 400 || errors.length > 0;
    const extra = env.throttle !== undefined && env.throttle !== null ? { throttle: env.throttle } : undefined;
    return { ok: !failed, body, requestId, reasons: failed ? reasonsFrom(errors) : [], extra, retryAfterMs: throttleWaitMs(env.throttle) };
  },
};
