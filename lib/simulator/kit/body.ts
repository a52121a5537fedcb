/**
 * Request-body readers shared by the simulator modules: the JSON-object check, the JSON body of a request,
 * blank values, ids and amounts. Readers that fail take the family's `bad(message)` (which throws its
 * SimFailure), so messages stay the same everywhere and the codes stay the family's.
 */
import type { RecordedRequest } from '../server';

export type Body = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Body {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** undefined, null or a string of white space only. */
export const blank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * The request's JSON object body; `bad` for unparsable JSON or any other value. With `emptyAsObject`
 * a request without a body reads as `{}`.
 */
export function jsonObject(req: RecordedRequest, bad: (message: string) => never, emptyAsObject = false): Body {
  if (req.bodyParseError !== undefined) return bad('Request body is not valid JSON');
  if (req.body === undefined && emptyAsObject) return {};
  if (!isObject(req.body)) return bad('Request body must be a JSON object');
  return req.body;
}

/** Positive integer from a number or a digit string (at most 15 digits), else undefined. */
export function toId(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  if (typeof v === 'string' && /^[1-9]\d{0,14}$/.test(v)) return Number(v);
  return undefined;
}

/** Cents from an amount (a number or a decimal string, at most two decimals, >= 0), else undefined. */
export function parseCents(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
    const cents = Math.round(v * 100);
    return Math.abs(v * 100 - cents) < 1e-6 ? cents : undefined;
  }
  if (typeof v === 'string' && /^\d{1,9}(\.\d{1,2})?$/.test(v.trim())) return Math.round(Number(v.trim()) * 100);
  return undefined;
}
