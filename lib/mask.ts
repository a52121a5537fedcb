/**
 * What is removed or masked before anything reaches Catch, a status or a log: account, routing, card, CVV,
 * SSN and TaxID fields of every API family (masked `******1234`, codes and passwords `***`), token fields
 * (removed), and the connection's own secrets wherever they appear inside a string (replaced by `***`).
 *
 * The copies are safe on hostile input: only own enumerable keys are read (an object with another prototype is
 * copied into a plain one), a `__proto__` key is dropped (so a copy never gets a prototype from its input),
 * dates, buffers, maps and sets are kept by reference, and nesting deeper than MAX_DEPTH is cut (no stack
 * overflow, whatever the depth).
 */

import { redact } from './errors';

/** Field names (compared without case, `_` or `-`) whose string or number values are masked to their last four digits. */
const MASK_LAST_FOUR = new Set([
  'account',
  'accountnumber',
  'aba',
  'routingnumber',
  'routing',
  'cardnumber',
  'pan',
  'ssn',
  'taxid',
  'tin',
  // Instant Payments (Caliper) and the Open Banking account details
  'debtoraccountnumber',
  'creditoraccountnumber',
  'accountnumberinternalunmasked',
  'accountnumberexternalunmasked',
]);
/** Field names whose values are hidden entirely. */
const MASK_ALL = new Set(['cardcode', 'cvv', 'cvc', 'cvv2', 'securitycode', 'password', 'pin', 'clientsecret', 'apisecret', 'apikey']);
/** Token fields: removed. */
const TOKEN_FIELDS = new Set(['access_token', 'refresh_token', 'id_token', 'accessToken', 'refreshToken', 'idToken']);

export const MAX_DEPTH = 32;
const TOO_DEEP = '[nested too deeply]';

function normal(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}

/** `******` and the last four characters (all of a short value is hidden). */
export function lastFour(value: string | number): string {
  const text = String(value);
  return text.length > 4 ? `******${text.slice(-4)}` : '******';
}

/** Secrets shorter than this are not looked for (a card code of 3 digits is the shortest). */
export const MIN_SECRET = 3;

/**
 * Replaces each secret found inside `text` with `***`; when the text was clipped (it ends with `…`), a secret
 * cut at the end is removed too.
 */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= MIN_SECRET && out.includes(secret)) out = out.split(secret).join('***');
  if (out.endsWith('…')) {
    const body = out.slice(0, -1);
    for (const secret of secrets) {
      for (let k = secret.length - 1; k >= MIN_SECRET; k--) {
        if (body.endsWith(secret.slice(0, k))) return `${body.slice(0, body.length - k)}***…`;
      }
    }
  }
  return out;
}

/** Server text fit for Catch: personal numbers, bearer tokens and JWTs masked (redact), then the secrets removed. */
function serverText(text: string, secrets: readonly string[]): string {
  return scrubText(redact(text), secrets);
}

/** Values kept as they are (they hold no named fields to mask): dates, buffers, typed arrays, maps, sets, regexps. */
function isOpaque(value: object): boolean {
  return (
    value instanceof Date ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof RegExp
  );
}

/**
 * A copy of `value` fit for Catch or a log: sensitive fields masked, token fields removed, `secrets` scrubbed
 * from every string; for a server's body (`fromServer`) every string is also redacted (runs of six or more digits
 * masked, bearer tokens and JWTs removed), since a server may echo a number in free text. Iterative, so deep
 * input cannot overflow the stack.
 */
export function maskData(value: unknown, secrets: readonly string[] = [], fromServer = false): unknown {
  const leaf = (key: string | undefined, v: unknown): { done: true; value: unknown } | { done: false } => {
    if (typeof v === 'string' || typeof v === 'number') {
      if (key !== undefined) {
        const k = normal(key);
        if (MASK_ALL.has(k)) return { done: true, value: '***' };
        if (MASK_LAST_FOUR.has(k)) return { done: true, value: lastFour(v) };
      }
      if (typeof v !== 'string') return { done: true, value: v };
      return { done: true, value: fromServer ? serverText(v, secrets) : secrets.length ? scrubText(v, secrets) : v };
    }
    if (v === null || typeof v !== 'object' || isOpaque(v)) return { done: true, value: v };
    return { done: false };
  };
  const top = leaf(undefined, value);
  if (top.done) return top.value;
  const root: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  const stack: Array<{ from: Record<string, unknown> | unknown[]; to: Record<string, unknown> | unknown[]; depth: number }> = [
    { from: value as Record<string, unknown>, to: root, depth: 1 },
  ];
  while (stack.length) {
    const { from, to, depth } = stack.pop() as (typeof stack)[number];
    const keys = Array.isArray(from) ? from.map((_v, i) => String(i)) : Object.keys(from);
    for (const key of keys) {
      if (key === '__proto__' || TOKEN_FIELDS.has(key)) continue;
      const v: unknown = (from as Record<string, unknown>)[key];
      const result = leaf(Array.isArray(from) ? undefined : key, v);
      let copied: unknown;
      if (result.done) copied = result.value;
      else if (depth >= MAX_DEPTH) copied = TOO_DEEP;
      else {
        copied = Array.isArray(v) ? [] : {};
        stack.push({ from: v as Record<string, unknown>, to: copied as Record<string, unknown>, depth: depth + 1 });
      }
      if (Array.isArray(to)) to.push(copied);
      else to[key] = copied;
    }
  }
  return root;
}

/**
 * The values of the sensitive fields in `value` (card numbers, CVVs, account and routing numbers, SSNs …), so
 * that a server echoing one of them in free text can be scrubbed. Iterative and bounded by MAX_DEPTH.
 */
export function sensitiveValues(value: unknown): string[] {
  const found: string[] = [];
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (v === null || typeof v !== 'object' || depth >= MAX_DEPTH || isOpaque(v)) continue;
    for (const key of Object.keys(v)) {
      const item: unknown = (v as Record<string, unknown>)[key];
      const k = normal(key);
      if ((typeof item === 'string' || typeof item === 'number') && (MASK_ALL.has(k) || MASK_LAST_FOUR.has(k))) found.push(String(item));
      else if (item !== null && typeof item === 'object') stack.push({ v: item, depth: depth + 1 });
    }
  }
  return found;
}

/** A msg.config fit for Catch: the sensitive keys removed, the rest masked like any data. */
export function maskConfig(config: unknown, sensitiveKeys: ReadonlySet<string>, secrets: readonly string[] = []): unknown {
  if (config === null || typeof config !== 'object' || Array.isArray(config) || isOpaque(config)) return maskData(config, secrets);
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(config)) if (!sensitiveKeys.has(key) && key !== '__proto__') kept[key] = (config as Record<string, unknown>)[key];
  return maskData(kept, secrets);
}
