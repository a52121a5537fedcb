/**
 * Reading Q2 Platform (Caliper) responses: `{data, success, errors, requestid, status, log_ref_id}`.
 * Failure ⇔ HTTP ≥ 400 or `success === false` (docs/api-notes.md §1.2); `errors` may be an array of `{code,message}`,
 * of strings, of E3 items `{ABA, Account, Error}`, or an E2 object `{ErrorCode, ErrorDescription, …}`.
 */
import type { ApiFamily, Interpreted } from '../connection';
import { clip, redact } from '../errors';
import type { HttpResponse } from '../http';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function reasonOf(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (!isObject(item)) return undefined;
  const text = item.message ?? item.Message ?? item.Error ?? item.ErrorDescription ?? item.error_description ?? item.error;
  const code = item.code ?? item.Code ?? item.ErrorCode;
  if (typeof text !== 'string') return code !== undefined ? String(code) : undefined;
  return code !== undefined && code !== '' ? `${String(code)} ${text}` : text;
}

export function reasonsFrom(errors: unknown): string[] {
  const items = Array.isArray(errors) ? errors : isObject(errors) && Object.keys(errors).length ? [errors] : [];
  const reasons = items.map(reasonOf).filter((r): r is string => !!r);
  // not clipped here: the connection removes its secrets first, then clips (a secret cut in two would survive)
  return [...new Set(reasons)].slice(0, 3).map((r) => redact(r));
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text.trim()) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

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
    return { ok: !failed, body, requestId, logRefId, reasons };
  },
};
