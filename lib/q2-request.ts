/**
 * The one helper every operation node goes through. For each message it
 *  1. reads msg.config (when the node accepts overrides) — never writing it back onto the node,
 *  2. resolves every parameter: msg.config, then the node's property, then the connection, then the default,
 *  3. validates them and the body with ajv (errors name the field, nothing is sent),
 *  4. builds the request (path values URL-encoded inside their segment) and sends it through the connection,
 *     which owns the HTTP client and the token, renewing and retrying once on 401,
 *  5. maps the response to the output, or to an error for Catch nodes, with no secret in any text.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { Connection } from './connection';
import { Q2Error } from './errors';
import { HttpRequest, HttpResponse, TransportError } from './http';
import { t } from './i18n';
import type { Effective, NamedRequest, OperationSpec, ParamSpec, RequestSpec, Resolved, ResourceSpec } from './operation';
import { StatusTracker } from './status';
import { compileBody, compileParams } from './validate';

export interface OperationNodeDef extends NodeDef {
  connection?: string;
  allowOverrides?: boolean;
  dataProperty?: string;
  [property: string]: unknown;
}

export type Q2Message = NodeMessageInFlow & { config?: unknown; statusCode?: number; q2?: Record<string, unknown> };

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
}

export interface OperationResult {
  payload: unknown;
  statusCode: number;
  q2: Record<string, unknown>;
  /** keys to set on msg.config (keeping the others) */
  configPatch?: Record<string, unknown>;
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
export function encodeSegment(value: string, key = 'value'): string {
  if (/^\.{1,2}$/.test(value) || value === '') {
    throw new Q2Error(t('validation.segment', { key }), { kind: 'input', status: t('status.invalidInput') });
  }
  return encodeURIComponent(value).replace(/\./g, '%2E');
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

function transportError(err: TransportError): Q2Error {
  return new Q2Error(t(`errors.${err.kind}`, { code: err.code }), { kind: err.kind, status: t(`status.${err.kind}`) });
}

/** The wait a 429 asks for (Retry-After in seconds or as a date), at most MAX_RETRY_WAIT_MS; 1 s when it says nothing. */
export function retryAfterMs(res: HttpResponse, now = Date.now()): number {
  const header = res.headers['retry-after'];
  let wait = 1000;
  if (header && /^\d+(\.\d+)?$/.test(header.trim())) wait = Number(header) * 1000;
  else if (header && !Number.isNaN(Date.parse(header))) wait = Date.parse(header) - now;
  return Math.min(Math.max(wait, 0), MAX_RETRY_WAIT_MS);
}

const MAX_RETRY_WAIT_MS = 10_000;

/**
 * Sends with the message's own token, or the connection's, renewing it and retrying once on 401; a 429
 * (the request was not processed) is retried once after the advised wait.
 */
async function sendAuthorised(ctx: OperationContext, request: HttpRequest): Promise<HttpResponse> {
  const first = await sendRenewing(ctx, request);
  if (first.status !== 429) return first;
  await new Promise((resolve) => setTimeout(resolve, retryAfterMs(first)));
  return sendRenewing(ctx, request);
}

async function sendRenewing(ctx: OperationContext, request: HttpRequest): Promise<HttpResponse> {
  const send = (headers: Record<string, string>) => ctx.connection.http.send({ ...request, headers: { ...request.headers, ...headers } });
  try {
    if (ctx.userToken) return await send({ Authorization: `Bearer ${ctx.userToken}` });
    const auth = await ctx.connection.authorize(request);
    const first = await send(auth.headers);
    if (first.status !== 401 || !auth.renew) return first;
    auth.renew();
    const again = await ctx.connection.authorize(request);
    return await send(again.headers);
  } catch (err) {
    throw err instanceof TransportError ? transportError(err) : err;
  }
}

function describeFailure(statusCode: number, reasons: string[], requestId: string | undefined): string {
  const parts = [t('errors.http', { status: statusCode })];
  if (reasons.length) parts.push(reasons.join('; '));
  return `${parts.join(': ')} (${t('errors.requestId', { id: requestId ?? t('errors.none') })})`;
}

/** The default executor: build the request from the spec, send it, read the family's envelope. */
export async function sendOperation(ctx: OperationContext): Promise<OperationResult> {
  const { op, connection, effective } = ctx;
  const url = buildUrl(op, effective, connection.baseUrl);
  if (!ctx.userToken && !connection.isOwnOrigin(url)) {
    throw new Q2Error(t('errors.foreignOrigin'), { kind: 'security', status: t('status.blocked') });
  }
  const body = op.body ? ctx.body : paramsBody(op, effective);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await sendAuthorised(ctx, { method: op.method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const read = connection.family.interpret(res);
  const q2 = { requestId: read.requestId, logRefId: read.logRefId, durationMs: res.durationMs, ...read.extra };
  if (read.unreadable) {
    throw new Q2Error(`${t('errors.notJson')} (${t('errors.http', { status: res.status })}, ${t('errors.requestId', { id: read.requestId ?? t('errors.none') })})`, {
      kind: 'parse',
      statusCode: res.status,
      requestId: read.requestId,
      body: read.body,
      status: t('status.badResponse'),
      q2,
    });
  }
  if (!read.ok) {
    throw new Q2Error(describeFailure(res.status, read.reasons, read.requestId), {
      kind: res.status >= 400 ? 'http' : 'api',
      statusCode: res.status,
      requestId: read.requestId,
      body: read.body,
      status: res.status >= 400 ? t('status.httpError', { status: res.status }) : t('status.apiError'),
      q2,
    });
  }
  return { payload: read.body, statusCode: res.status, q2 };
}

/** Token fields a payload may carry (Get Token's output): never passed to Catch. */
const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'];

export function withoutTokens(payload: unknown): unknown {
  if (!isPlainObject(payload) || !TOKEN_FIELDS.some((k) => k in payload)) return payload;
  const copy: Record<string, unknown> = { ...payload };
  for (const k of TOKEN_FIELDS) delete copy[k];
  return copy;
}

/** Body fields that are card or account secrets: masked in a message that goes to Catch. */
const SECRET_BODY_FIELDS = new Set(['cardNumber', 'cardCode', 'accountNumber']);

/** A copy of plain data with card numbers, CVVs and account numbers masked (`******1234`, CVV `***`). */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!isPlainObject(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const secret = SECRET_BODY_FIELDS.has(key) && (typeof v === 'string' || typeof v === 'number');
    copy[key] = !secret ? withoutSecrets(v) : key === 'cardCode' ? '***' : `******${String(v).slice(-4)}`;
  }
  return copy;
}

function scrubbedConfig(config: unknown): unknown {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return config;
  const copy: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const key of Object.keys(copy)) if (SENSITIVE_CONFIG_KEYS.has(key)) delete copy[key];
  return copy;
}

/**
 * The input handler every Q2 node shares: status while in flight, the result on msg (payload, statusCode,
 * q2, msg.config patch) and send, or — on any failure — the response body, statusCode and q2 on msg, secrets
 * removed from msg.config and token fields from the payload, a red ring, and done(err) for Catch nodes.
 * No rejection ever escapes (Node-RED would exit).
 */
export function wireInput(
  node: Node,
  status: StatusTracker,
  label: string,
  run: (msg: Q2Message) => Promise<OperationResult>,
  /** a message property other than payload that held the request body, to mask as well */
  dataProperty?: { get(msg: Q2Message): unknown; set(msg: Q2Message, value: unknown): void },
): void {
  node.on('input', (msg, send, done) => {
    const message = msg as Q2Message;
    status.start();
    run(message)
      .then((result) => {
        message.payload = result.payload;
        message.statusCode = result.statusCode;
        message.q2 = result.q2;
        if (result.configPatch) {
          const current = isPlainObject(message.config) ? message.config : {};
          message.config = { ...current, ...result.configPatch };
        }
        status.succeed(t('status.ok', { status: result.statusCode }));
        send(message);
        done();
      })
      .catch((err: unknown) => {
        const q2err = err instanceof Q2Error ? err : new Q2Error(t('errors.unexpected'), { kind: 'network', status: t('status.failed') });
        message.payload = q2err.body !== undefined ? q2err.body : withoutSecrets(withoutTokens(message.payload));
        if (dataProperty) dataProperty.set(message, withoutSecrets(dataProperty.get(message)));
        if (q2err.statusCode !== undefined) message.statusCode = q2err.statusCode;
        if (q2err.q2) message.q2 = q2err.q2;
        if (message.config !== undefined) message.config = scrubbedConfig(message.config);
        status.fail(q2err.status);
        done(new Q2Error(`${label}: ${q2err.message}`, { kind: q2err.kind, statusCode: q2err.statusCode, requestId: q2err.requestId, status: q2err.status }));
      })
      .catch(() => {
        /* done() itself threw: nothing more can be reported, but no rejection may escape */
      });
  });
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

    async function run(msg: Q2Message): Promise<OperationResult> {
      const problem = connectionProblem();
      if (problem) throw new Q2Error(problem, { kind: 'config', status: t('status.noConnection') });
      const connection = (configNode as ConnectionNode).q2 as Connection;
      const overrides = readOverrides(msg, allowOverrides);
      const { op, validateParams, executor } = chooseOperation(spec, compiled, def, overrides);
      const resolved = keepMostSpecific(resolveParams(op.params, def, nodeCredentials, overrides, connection), op.exactlyOne);
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
        body = RED.util.getMessageProperty(msg, def.dataProperty || op.body.defaultProperty);
        if (op.body.normalise) body = op.body.normalise(body);
        if (op.body.optional && !isPlainObject(body)) body = {};
        const fromParams = paramsBody(op, effective);
        if (fromParams && isPlainObject(body)) body = { ...body, ...fromParams };
        validateBody(body);
      }
      return executor({ op, connection, resolved, effective, userToken, body });
    }

    const property = def.dataProperty && def.dataProperty !== 'payload' ? def.dataProperty : undefined;
    wireInput(
      node,
      status,
      label,
      run,
      property
        ? { get: (m) => RED.util.getMessageProperty(m, property), set: (m, v) => RED.util.setMessageProperty(m, property, v, false) }
        : undefined,
    );

    node.on('close', (removed: boolean, closed: () => void) => {
      status.clear();
      closed();
    });
  }

  RED.nodes.registerType(spec.type, OperationNode, { credentials });
}
