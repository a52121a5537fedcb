/**
 * The one helper every operation node goes through. For each message it
 *  1. reads msg.config (when the node accepts overrides) — never writing it back onto the node,
 *  2. resolves every parameter: msg.config, then the node's property, then the connection, then the default,
 *  3. validates them and the body with ajv (errors name the field, nothing is sent),
 *  4. builds the request (path values URL-encoded inside their segment) and sends it through the connection,
 *     which owns the HTTP client and the token, renewing and retrying once on 401,
 *  5. maps the response to the output, or to an error for Catch nodes, with no secret in any text.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { Connection } from './connection';
import { Q2Error } from './errors';
import { sensitiveValues } from './mask';
import { t } from './i18n';
import { OperationResult, Q2Message, RunContext, wireInput } from './node-input';
import type { Effective, NamedRequest, OperationSpec, ParamSpec, RequestSpec, Resolved, ResourceSpec } from './operation';
import { StatusTracker } from './status';
import { Ticket } from './ticket';
import { compileBody, compileParams } from './validate';

export type { OperationResult, Q2Message } from './node-input';

export interface OperationNodeDef extends NodeDef {
  connection?: string;
  allowOverrides?: boolean;
  dataProperty?: string;
  [property: string]: unknown;
}

/** A config node that carries a connection. */
export type ConnectionNode = Node & { q2?: Connection; q2Problem?: string };

export interface OperationContext {
  op: RequestSpec;
  connection: Connection;
  resolved: Resolved;
  effective: Effective;
  /** msg.config.accessToken, when the message brings its own bearer token */
  userToken?: string;
  /** the request body, already normalised and validated */
  body?: unknown;
  /** the message's ticket: its place in the connection's queue, its tries, its cancellation on close */
  ticket: Ticket;
}

export type Executor = (ctx: OperationContext) => Promise<OperationResult>;

export interface NodeSet {
  /** locale namespace (locales/en-US/<namespace>.json) and basename of the node set's files */
  namespace: string;
  /** palette category (`_` shows as a space) and colour */
  category: string;
  color: string;
  /** the config node type the operations use */
  connectionType: string;
  /** whether msg.config.accessToken is honoured (and documented) */
  acceptsAccessToken: boolean;
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
}

export function nodeSpecs(set: NodeSet): NodeSpec[] {
  return [
    ...set.operations.map((op) => ({ type: op.type, icon: op.icon, operations: [{ ...op, name: '' }], selectable: false })),
    ...(set.resources ?? []).map((r) => ({ type: r.type, icon: r.icon, operations: r.operations, selectable: true })),
  ];
}

/** Every param of a node's operations, once per key (the first description wins). */
export function nodeParams(spec: NodeSpec): ParamSpec[] {
  const byKey = new Map<string, ParamSpec>();
  for (const op of spec.operations) for (const p of op.params) if (!byKey.has(p.key)) byKey.set(p.key, p);
  return [...byKey.values()];
}

/** msg.config keys removed from a message that goes to Catch: secrets, tokens and personal data. */
export const SENSITIVE_CONFIG_KEYS = new Set<string>(['accessToken', 'token', 'apiKey', 'apiSecret', 'client_secret', 'clientSecret']);

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function typeName(value: unknown): string {
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

export function resolveParams(
  params: readonly ParamSpec[],
  def: OperationNodeDef,
  credentials: Record<string, unknown>,
  overrides: Record<string, unknown> | undefined,
  connection: Connection | undefined,
): Resolved {
  const resolved: Resolved = {};
  for (const p of params) {
    const fromMsg = overrides ? own(overrides, p.key) : undefined;
    const fromNode = p.sensitive ? credentials[p.key] : def[p.key];
    const fromConnection = p.fallback ? connection?.defaultFor(p.fallback) : undefined;
    if (present(fromMsg)) resolved[p.key] = { value: fromMsg, source: 'msg' };
    else if (present(fromNode)) resolved[p.key] = { value: fromNode, source: 'node' };
    else if (present(fromConnection)) resolved[p.key] = { value: fromConnection, source: 'connection' };
    else if (p.default !== undefined) resolved[p.key] = { value: p.default, source: 'default' };
  }
  return resolved;
}

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
function jsonOf(body: unknown): string {
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

function paramsBody(op: RequestSpec, effective: Effective): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  for (const p of op.params) {
    const value = effective[p.key];
    if (p.in !== 'body' || value === undefined) continue;
    if (p.sendOnlyTrue && value !== true) continue;
    body[p.wire ?? p.key] = value;
  }
  return Object.keys(body).length ? body : undefined;
}

/** A request is a safe read when it is a GET or the operation table marks it so (lookups, searches). */
export function isSafeRead(op: RequestSpec): boolean {
  return op.method === 'GET' || op.safe === true;
}

/** The default executor: build the request from the spec, send it through the connection, return its envelope. */
export async function sendOperation(ctx: OperationContext): Promise<OperationResult> {
  const { op, connection, effective } = ctx;
  const url = buildUrl(op, effective, connection.baseUrl);
  if (!ctx.userToken && !connection.isOwnOrigin(url)) {
    throw new Q2Error(t('errors.foreignOrigin'), { kind: 'security', status: t('status.blocked') });
  }
  const body = op.body ? ctx.body : paramsBody(op, effective);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const { res, read } = await connection.send(
    {
      method: op.method,
      url,
      headers,
      body: body === undefined ? undefined : jsonOf(body),
      safe: isSafeRead(op),
      auth: ctx.userToken ? { bearer: ctx.userToken } : 'connection',
    },
    ctx.ticket,
  );
  return { payload: read.body, statusCode: res.status, q2: connection.q2Of(ctx.ticket, res, read) };
}

/** Registers one node type per operation node and resource node of the set. */
export function registerNodeSet(RED: NodeAPI, set: NodeSet): void {
  const specs = nodeSpecs(set);
  for (const spec of specs) for (const p of nodeParams(spec)) if (p.sensitive) SENSITIVE_CONFIG_KEYS.add(p.key);
  for (const spec of specs) registerNode(RED, set, spec);
}

interface CompiledOperation {
  op: NamedRequest;
  validateParams: ReturnType<typeof compileParams>;
  executor: Executor;
}

function chooseOperation(spec: NodeSpec, compiled: Map<string, CompiledOperation>, def: OperationNodeDef, overrides: Record<string, unknown> | undefined): CompiledOperation {
  if (!spec.selectable) return compiled.get('') as CompiledOperation;
  const fromMsg = overrides ? own(overrides, 'operation') : undefined;
  const name = present(fromMsg) ? fromMsg : def.operation;
  const chosen = typeof name === 'string' ? compiled.get(name) : undefined;
  if (!chosen) {
    const field = present(fromMsg) ? 'msg.config.operation' : t('validation.nodeField', { key: 'operation' });
    throw new Q2Error(t('validation.invalid', { field, hint: t('validation.enum', { values: [...compiled.keys()].join(', ') }), got: typeName(name) }), {
      kind: 'input',
      status: t('status.invalidInput'),
    });
  }
  return chosen;
}

function registerNode(RED: NodeAPI, set: NodeSet, spec: NodeSpec): void {
  const label = t(`${set.namespace}:${spec.type}.paletteLabel`);
  const compiled = new Map<string, CompiledOperation>(
    spec.operations.map((op) => [op.name, { op, validateParams: compileParams(op), executor: (op.executor && set.executors?.[op.executor]) || sendOperation }]),
  );
  const credentials: Record<string, { type: 'password' }> = {};
  for (const p of nodeParams(spec)) if (p.sensitive) credentials[p.key] = { type: 'password' };

  function OperationNode(this: Node, def: OperationNodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const status = new StatusTracker(node);
    const allowOverrides = def.allowOverrides !== false;
    const bodies = new Map<string, (body: unknown) => void>();
    for (const { op } of compiled.values()) {
      if (op.body) bodies.set(op.name, compileBody(op.body.schema, `msg.${def.dataProperty || op.body.defaultProperty}`));
    }
    const configNode = (def.connection ? RED.nodes.getNode(def.connection) : null) as ConnectionNode | null;
    const nodeCredentials = (node.credentials ?? {}) as Record<string, unknown>;

    const connectionProblem = (): string | undefined => {
      if (!configNode || configNode.type !== set.connectionType || !configNode.q2) return t('errors.noConnection');
      return configNode.q2Problem;
    };
    if (connectionProblem()) status.problem(t('status.noConnection'));

    async function run(msg: Q2Message, ctx: RunContext): Promise<OperationResult> {
      const problem = connectionProblem();
      if (problem) throw new Q2Error(problem, { kind: 'config', status: t('status.noConnection') });
      const connection = (configNode as ConnectionNode).q2 as Connection;
      const overrides = readOverrides(msg, allowOverrides);
      const { op, validateParams, executor } = chooseOperation(spec, compiled, def, overrides);
      ctx.operation(op.name);
      const resolved = keepMostSpecific(resolveParams(op.params, def, nodeCredentials, overrides, connection), op.exactlyOne);
      for (const p of op.params) if (p.sensitive) ctx.secret(resolved[p.key]?.value);
      const effective = validateParams(resolved);
      let userToken: string | undefined;
      const token = overrides && connection.family.userTokens ? own(overrides, 'accessToken') : undefined;
      if (present(token)) {
        if (typeof token !== 'string') {
          throw new Q2Error(t('validation.accessToken', { got: typeName(token) }), { kind: 'input', status: t('status.invalidInput') });
        }
        userToken = token;
      }
      let body: unknown;
      const validateBody = bodies.get(op.name);
      if (op.body && validateBody) {
        body = readProperty(RED.util.getMessageProperty, msg, def.dataProperty || op.body.defaultProperty);
        if (op.body.normalise) body = op.body.normalise(body);
        if (op.body.optional && !isPlainObject(body)) body = {};
        const fromParams = paramsBody(op, effective);
        if (fromParams && isPlainObject(body)) body = { ...body, ...fromParams };
        validateBody(body);
        // card, account and routing numbers of the body: scrubbed if a server echoes them in free text
        for (const value of sensitiveValues(body)) ctx.secret(value);
      }
      return executor({ op, connection, resolved, effective, userToken, body, ticket: ctx.ticket() });
    }

    const property = def.dataProperty && def.dataProperty !== 'payload' ? def.dataProperty : undefined;
    const connection = (): Connection | undefined => (connectionProblem() ? undefined : configNode?.q2);
    wireInput(
      node,
      status,
      {
        label,
        sensitiveKeys: SENSITIVE_CONFIG_KEYS,
        secrets: () => connection()?.secrets() ?? [],
        graceMs: () => connection()?.reliability.graceMs ?? 0,
        dataProperty: property
          ? {
              get: (m) => readProperty(RED.util.getMessageProperty, m, property),
              set: (m, v) => {
                if (v !== undefined) RED.util.setMessageProperty(m, property, v, false);
              },
            }
          : undefined,
      },
      run,
    );
  }

  RED.nodes.registerType(spec.type, OperationNode, { credentials });
}
