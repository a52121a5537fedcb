/**
 * Request building, step one (pure functions): read msg.config and resolve every parameter — msg.config, then
 * the node's property (or credential), then the connection's setting, then the default.
 */
import type { NodeDef } from 'node-red';
import { Q2Error } from '../errors';
import { t } from '../i18n';
import type { ParamSpec, Resolved } from '../model/operation';
import type { Q2Message } from '../node-red/node-input';

/** What resolving needs of a connection: its settings for blank parameters. */
export interface Defaults {
  defaultFor(key: NonNullable<ParamSpec['fallback']>): string | undefined;
}

export interface OperationNodeDef extends NodeDef {
  connection?: string;
  allowOverrides?: boolean;
  dataProperty?: string;
  /** the message property the result goes to (default payload) */
  outputProperty?: string;
  [property: string]: unknown;
}

export function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** msg.config as an object, undefined when absent or when the node does not accept overrides. */
export function readOverrides(msg: Q2Message, allow: boolean): Record<string, unknown> | undefined {
  if (!allow || msg.config === undefined || msg.config === null) return undefined;
  if (typeof msg.config !== 'object' || Array.isArray(msg.config)) {
    throw new Q2Error(t('validation.configNotObject', { got: typeName(msg.config) }), { kind: 'input', status: t('status.invalidInput') });
  }
  return msg.config as Record<string, unknown>;
}

const PRECEDENCE: Record<Resolved[string]['source'], number> = { msg: 3, node: 2, connection: 1, default: 0 };

/** Of several selectors that have values, keeps those from the most specific source (REQUEST exactlyOne). */
export function keepMostSpecific(resolved: Resolved, keys: readonly string[] | undefined): Resolved {
  if (!keys) return resolved;
  const present = keys.filter((k) => resolved[k] !== undefined);
  if (present.length < 2) return resolved;
  const best = Math.max(...present.map((k) => PRECEDENCE[resolved[k].source]));
  const kept: Resolved = { ...resolved };
  for (const k of present) if (PRECEDENCE[resolved[k].source] < best) delete kept[k];
  return kept;
}

/**
 * `node` holds the node's values (its properties, or their TypedInput values evaluated for this message, see
 * lib/node-red/typed-params.ts); `origins` says where an evaluated one was read from (`flow.customer`), for errors.
 */
export function resolveParams(
  params: readonly ParamSpec[],
  node: Record<string, unknown>,
  credentials: Record<string, unknown>,
  overrides: Record<string, unknown> | undefined,
  connection: Defaults | undefined,
  origins: Record<string, string> = {},
): Resolved {
  const resolved: Resolved = {};
  for (const p of params) {
    const fromMsg = overrides ? own(overrides, p.key) : undefined;
    const fromNode = p.sensitive ? credentials[p.key] : node[p.key];
    const fromConnection = p.fallback ? connection?.defaultFor(p.fallback) : undefined;
    if (present(fromMsg)) resolved[p.key] = { value: fromMsg, source: 'msg' };
    else if (present(fromNode))
      resolved[p.key] = origins[p.key] ? { value: fromNode, source: 'node', from: origins[p.key] } : { value: fromNode, source: 'node' };
    else if (present(fromConnection)) resolved[p.key] = { value: fromConnection, source: 'connection' };
    else if (p.default !== undefined) resolved[p.key] = { value: p.default, source: 'default' };
  }
  return resolved;
}
