/**
 * The operation model, as the runtime and the build see it: a node set (one API family's nodes and their
 * connection type) and, derived from it, one NodeSpec per node type with every parameter it takes.
 */
import type { ApiFamily } from '../connection/connection';
import type { Executor } from '../request/execute';
import type { NamedRequest, OperationSpec, ParamSpec, RequestSpec, ResourceSpec } from './operation';

export interface NodeSet {
  /** locale namespace (locales/en-US/<namespace>.json) and basename of the node set's files */
  namespace: string;
  /** palette category (`_` shows as a space) and colour */
  category: string;
  color: string;
  /** the config node type the operations use */
  connectionType: string;
  /** the API family: how its responses are read, and whether a message may bring its own bearer token */
  family: ApiFamily;
  /** nodes that make one request each */
  operations: readonly OperationSpec[];
  /** nodes whose `operation` property picks the request */
  resources?: readonly ResourceSpec[];
  executors?: Partial<Record<NonNullable<RequestSpec['executor']>, Executor>>;
}

/** Either kind of node, as the runtime and the build see it. */
export interface NodeSpec {
  type: string;
  icon: string;
  operations: readonly NamedRequest[];
  /** true for a resource node (an `operation` property chooses among `operations`) */
  selectable: boolean;
  /** msg.config keys the node ignores with a warning (OperationSpec.ignoredKeys) */
  ignoredKeys?: readonly string[];
}

export function nodeSpecs(set: NodeSet): NodeSpec[] {
  return [
    ...set.operations.map((op) => ({ type: op.type, icon: op.icon, operations: [{ ...op, name: '' }], selectable: false, ignoredKeys: op.ignoredKeys })),
    ...(set.resources ?? []).map((r) => ({ type: r.type, icon: r.icon, operations: r.operations, selectable: true })),
  ];
}

/** Every param of a node's operations, once per key (the first description wins). */
export function nodeParams(spec: NodeSpec): ParamSpec[] {
  const byKey = new Map<string, ParamSpec>();
  for (const op of spec.operations) for (const p of op.params) if (!byKey.has(p.key)) byKey.set(p.key, p);
  return [...byKey.values()];
}
