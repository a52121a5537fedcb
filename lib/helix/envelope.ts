/**
 * Reading CorePro/Helix responses: `{data, errors, requestId, status, throttle}` (REFERENCE §3.1).
 * Failure ⇔ HTTP ≥ 400 or a non-empty `errors` list of `{code, message}`; `throttle` (present past 80 % of the
 * rate limit) is passed on in msg.q2.throttle.
 */
import type { ApiFamily, Interpreted } from '../connection';
import type { HttpResponse } from '../http';
import { parseJson, reasonsFrom } from '../platform/envelope';

export const helixFamily: ApiFamily = {
  id: 'helix',
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
    return { ok: !failed, body, requestId, reasons: failed ? reasonsFrom(errors) : [], extra };
  },
};
