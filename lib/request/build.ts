/**
 * Request building, step two (pure functions): the URL (path values encoded inside their segment), the body
 * made of parameters, the JSON text, and whether the request is a safe read.
 */
import { Q2Error } from '../errors';
import { t } from '../i18n';
import type { Effective, HttpMethod, RequestSpec } from '../model/operation';
import type { Q2Message } from '../node-red/node-input';

/**
 * A path value stays inside its segment: `/`, `?`, `#` and dots are all percent-encoded. `.` and `..` alone
 * cannot be kept (URL parsers resolve even `%2E%2E`), so they are refused.
 */
/** A UTF-16 surrogate without its pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function encodeSegment(value: string, key = 'value'): string {
  // `.`/`..` would move the path; a lone UTF-16 surrogate cannot be written as UTF-8 at all
  if (/^\.{1,2}$/.test(value) || value === '' || LONE_SURROGATE.test(value)) {
    throw new Q2Error(t('validation.segment', { key }), { kind: 'input', status: t('status.invalidInput') });
  }
  return encodeURIComponent(value).replace(/\./g, '%2E');
}

/**
 * A message property by its path, or undefined when a parent on the way is missing (Node-RED's getter throws a
 * TypeError there: for a data property such as `data.body`, a message without `msg.data` has no body).
 */
export function readProperty(get: (msg: Q2Message, path: string) => unknown, msg: Q2Message, path: string): unknown {
  try {
    return get(msg, path);
  } catch (err) {
    if (err instanceof TypeError) return undefined;
    throw err;
  }
}

/** The JSON text of a body; a value JSON cannot hold (a BigInt, a cycle) is the input's fault, named as such. */
export function jsonOf(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch {
    throw new Q2Error(t('validation.notJson'), { kind: 'input', status: t('status.invalidInput') });
  }
}

export function buildUrl(op: RequestSpec, effective: Effective, defaultBase = ''): string {
  const base = String(effective.baseUrl ?? defaultBase).replace(/\/+$/, '');
  const path = op.path.replace(/\{(\w+)\}/g, (_whole, key: string) => encodeSegment(String(effective[key] ?? ''), key));
  const query = new URLSearchParams();
  for (const p of op.params) {
    const value = effective[p.key];
    if (p.in === 'query' && value !== undefined) query.set(p.wire ?? p.key, String(value));
  }
  const qs = query.toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}

export function paramsBody(op: RequestSpec, effective: Effective): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  for (const p of op.params) {
    const value = effective[p.key];
    if (p.in !== 'body' || value === undefined) continue;
    if (p.sendOnlyTrue && value !== true) continue;
    // a list in a JSON body is an array of strings (Open Banking's external_ids); in a query it stays comma-separated
    body[p.wire ?? p.key] = p.type === 'list' && typeof value === 'string' ? value.split(',') : value;
  }
  return Object.keys(body).length ? body : undefined;
}

/** The request's method: the table's, or the value of its method param (a passthrough). */
export function methodOf(op: RequestSpec, effective: Effective): HttpMethod {
  const chosen = op.methodParam ? effective[op.methodParam] : undefined;
  return typeof chosen === 'string' && chosen ? (chosen as HttpMethod) : op.method;
}

/** The request headers its header params give (`wire ?? key`); a value with a line break or NUL is refused, naming the key. */
export function paramsHeaders(op: RequestSpec, effective: Effective): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const p of op.params) {
    const value = effective[p.key];
    if (p.in !== 'header' || value === undefined) continue;
    const text = String(value);
    if (/[\r\n\0]/.test(text)) throw new Q2Error(t('validation.header', { key: p.key }), { kind: 'input', status: t('status.invalidInput') });
    headers[p.wire ?? p.key] = text;
  }
  return headers;
}

/**
 * A request is a safe read when its method is GET or the operation table marks it so (lookups, searches).
 * A GET the table marks `safe: false` (Caliper's ACH/AuthorizePayment changes state) is a write.
 */
export function isSafeRead(op: RequestSpec, method: HttpMethod = op.method): boolean {
  if (op.safe !== undefined) return op.safe;
  return method === 'GET';
}

/**
 * A Caliper operation's id (docs/api-notes.md): a resource node's operation name, else the path after the version
 * without its parameter segments (`/{apiVersion}/DeleteUser/{userID}` → `DeleteUser`, `/v2/oauth2/token` → `oauth2/token`).
 */
export function operationId(op: RequestSpec): string | undefined {
  const named = (op as { name?: unknown }).name;
  if (typeof named === 'string' && named) return named;
  const id = op.path
    .replace(/^\/(\{apiVersion\}|v\d+)\//, '')
    .split('/')
    .filter((segment) => segment && !segment.startsWith('{'))
    .join('/');
  return id || undefined;
}
