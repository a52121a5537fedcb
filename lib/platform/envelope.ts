/**
 * Reading Q2 Platform (Caliper) responses: `{data, success, errors, requestid, status, log_ref_id}`.
 * Failure ⇔ HTTP ≥ 400 or `success === false` (docs/api-notes.md §1.2); `errors` may be an array of `{code,message}`,
 * of strings, of E3 items `{ABA, Account, Error}`, or an E2 object `{ErrorCode, ErrorDescription, …}`.
 */
import type { ApiFamily, Interpreted } from '../connection/connection';
import { redact } from '../errors';
import { isObject, parseJson, reasonsFrom } from '../connection/envelope';
import type { HttpResponse } from '../connection/http';

export const platformFamily: ApiFamily = {
  id: 'platform',
  userTokens: true,
  interpret(res: HttpResponse): Interpreted {
    const parsed = parseJson(res.text);
    const headerId = res.headers['x-request-id'] ?? res.headers['request-id'];
    if (!parsed.ok) {
      return { ok: false, unreadable: true, body: res.text || undefined, requestId: headerId, reasons: [] };
    }
    const body = parsed.value;
    const env = isObject(body) ? body : {};
    const requestId = typeof env.requestid === 'string' ? env.requestid : headerId;
    const logRefId = typeof env.log_ref_id === 'string' ? env.log_ref_id : undefined;
    const failed = res.status >= 400 || env.success === false || env.success === 'false';
    const reasons = failed ? reasonsFrom(env.errors) : [];
    if (failed && !reasons.length && typeof env.data === 'string') reasons.push(redact(env.data));
    // the Open Banking envelope (CALIPER §3.4) has no `errors`: its reason is in exceptionMessage / endUserMessage
    for (const key of ['exceptionMessage', 'endUserMessage']) {
      if (failed && !reasons.length && typeof env[key] === 'string' && env[key]) reasons.push(redact(env[key]));
    }
    return { ok: !failed, body, requestId, logRefId, reasons };
  },
};
