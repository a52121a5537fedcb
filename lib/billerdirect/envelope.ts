/**
 * Reading Biller Direct responses (docs/api-notes.md §2.2): plain JSON objects, the request id in the `request-id`
 * response header, an undocumented error body. Failure ⇔ HTTP ≥ 400 or `success` false (boolean or the string
 * "false", B4).
 */
import type { ApiFamily, Interpreted } from '../connection/connection';
import type { HttpResponse } from '../connection/http';
import { parseJson, reasonsFrom } from '../connection/envelope';

export const billerDirectFamily: ApiFamily = {
  id: 'billerdirect',
  userTokens: false,
  interpret(res: HttpResponse): Interpreted {
    const requestId = res.headers['request-id'] ?? res.headers['x-request-id'];
    const parsed = res.text.trim() ? parseJson(res.text) : { ok: true as const, value: {} };
    if (!parsed.ok) return { ok: false, unreadable: true, body: res.text, requestId, reasons: [] };
    const body = parsed.value;
    const env = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const failed = res.status >= 400 || env.success === false || env.success === 'false';
    const reasons = failed ? reasonsFrom(env.errors ?? [env]) : [];
    return { ok: !failed, body, requestId, reasons };
  },
};
