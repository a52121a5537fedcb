/**
 * What every family's envelope reader shares: parsing a body as JSON, and the short, redacted reasons of an
 * `errors` field (an array of `{code, message}`, of strings, of Q2 Platform E3 items `{ABA, Account, Error}`, or
 * one E2 object `{ErrorCode, ErrorDescription, …}`; docs/api-notes.md §1.2, §3.1).
 */
import { redact } from '../errors';

type Json = Record<string, unknown>;

/** A JSON object (not null, not an array): the one such check of the runtime. */
export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function reasonOf(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (!isObject(item)) return undefined;
  const text = item.message ?? item.Message ?? item.Error ?? item.ErrorDescription ?? item.error_description ?? item.error;
  const code = item.code ?? item.Code ?? item.ErrorCode;
  const codeText = typeof code === 'string' || typeof code === 'number' ? String(code) : code === undefined ? undefined : JSON.stringify(code);
  if (typeof text !== 'string') return codeText;
  return codeText !== undefined && codeText !== '' ? `${codeText} ${text}` : text;
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
