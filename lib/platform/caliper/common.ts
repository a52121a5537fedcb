/**
 * What the Caliper resource tables (lib/platform/caliper/<area>.ts) share. Every operation is a NamedRequest whose
 * `name` is its operation id exactly as the pack's catalogue writes it (`ACH/MakePayment`, `SMART/Audiences/count`),
 * whose path is `/{apiVersion}/…` under the connection's base URL, and whose params are named exactly as Q2 documents
 * them (`logonname`, `customer_id`, `AdminUserID`). Flat body fields are params (`in: 'body'`, set in the panel or in
 * msg.config); arrays and nested objects come from the data property (msg.payload) with a schema of the documented
 * required fields. Writes (POST, PUT, PATCH, DELETE; a GET that changes state: `safe: false`) are never retried once
 * they may have reached Q2; reads (GET, and lookups or searches sent as POST: `safe: true`) are.
 */
import type { BodySpec, NamedRequest, ParamSpec } from '../../model/operation';
import { versioned } from '../operations';

/** A Caliper operation: its id, method, path after `/{apiVersion}` and params (the connection's base URL and version are added). */
export function caliper(
  name: string,
  method: NamedRequest['method'],
  path: string,
  params: readonly ParamSpec[],
  extra: Partial<NamedRequest> = {},
): NamedRequest {
  return { name, method, path: `/{apiVersion}${path}`, params: [...versioned, ...params], auth: 'connection', ...extra };
}

/** A required param. */
export const req = (p: ParamSpec): ParamSpec => ({ ...p, required: true });

/** A JSON body read from the data property (default msg.payload), checked against `schema`. */
export const payloadBody = (schema: object, optional = false): NamedRequest['body'] => ({ defaultProperty: 'payload', schema, optional });

/** `{<key>: [...]}` (the documented wrapper name) or a bare array → the bare array that is sent (⚠ CALIPER §2). */
export function unwrap(key: string): (value: unknown) => unknown {
  return (value) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as Record<string, unknown>)[key])) {
      return (value as Record<string, unknown>)[key];
    }
    return value;
  };
}

/** A documented array body read from the data property (default msg.payload), its wrapper object accepted too. */
export function arrayBody(items: object, wrapper: string): BodySpec {
  return { defaultProperty: 'payload', schema: { type: 'array', minItems: 1, items }, normalise: unwrap(wrapper) };
}
