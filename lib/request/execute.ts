/**
 * Request execution: the default executor builds the request from the operation's description and hands it
 * to the connection (the one path to the wire), then returns the family's envelope for the output.
 */
import type { Connection } from '../connection/connection';
import { Ticket } from '../connection/ticket';
import { Q2Error } from '../errors';
import { t } from '../i18n';
import type { Effective, HttpMethod, RequestSpec, Resolved } from '../model/operation';
import type { OperationResult } from '../node-red/node-input';
import { buildUrl, isSafeRead, jsonOf, methodOf, operationId, paramsBody, paramsHeaders } from './build';

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

/** The default executor: build the request from the spec, send it through the connection, return its envelope. */
export async function sendOperation(ctx: OperationContext): Promise<OperationResult> {
  const { op, connection, effective } = ctx;
  const url = buildUrl(op, effective, connection.baseUrl);
  const method = methodOf(op, effective);
  // a passthrough's GET sends no body (Caliper's Cust forwards one for POST, PUT and PATCH only)
  const body = op.methodParam && (method === 'GET' || method === 'DELETE') ? undefined : op.body ? ctx.body : paramsBody(op, effective);
  const sending = sendJson(ctx, { method, url, headers: paramsHeaders(op, effective), body });
  // a Caliper operation refused with 401/403 most often lacks its scope in the token: the error says which
  const scopeHinted = connection.family.id === 'platform' ? operationId(op) : undefined;
  if (!scopeHinted) return sending;
  return sending.catch((err: unknown) => {
    throw withScopeHint(err, scopeHinted);
  });
}

/**
 * Sends one JSON request of an operation through the connection (the executors' common last step): refuses another
 * origin unless the message brings its own token, adds Accept (and Content-Type with a body), marks it a read or a
 * write, and returns the family's envelope for the output.
 */
export async function sendJson(
  ctx: OperationContext,
  request: { method: HttpMethod; url: string; headers: Record<string, string>; body: unknown },
): Promise<OperationResult> {
  const { op, connection } = ctx;
  if (!ctx.userToken && !connection.isOwnOrigin(request.url)) {
    throw new Q2Error(t('errors.foreignOrigin'), { kind: 'security', status: t('status.blocked') });
  }
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const { res, read } = await connection.send(
    {
      method: request.method,
      url: request.url,
      headers,
      body: request.body === undefined ? undefined : jsonOf(request.body),
      safe: isSafeRead(op, request.method),
      auth: ctx.userToken ? { bearer: ctx.userToken } : 'connection',
    },
    ctx.ticket,
  );
  return { payload: read.body, statusCode: res.status, q2: connection.q2Of(ctx.ticket, res, read) };
}

/**
 * A 401 or 403 on a Caliper action: the text names the operation and the scope it probably needs, `CaliperAPI:` and
 * the operation id without its slashes (Q2 publishes no mapping; `ACH/GetPayment` → `CaliperAPI:ACHGetPayment` is the
 * one seen).
 */
function withScopeHint(err: unknown, operation: string): Error {
  if (!(err instanceof Q2Error)) return err instanceof Error ? err : new Error(String(err));
  if (err.statusCode !== 401 && err.statusCode !== 403) return err;
  const hint = t('errors.scopeHint', { operation, scope: `CaliperAPI:${operation.replace(/\//g, '')}` });
  const hinted = new Q2Error(`${err.message}. ${hint}`, {
    kind: err.kind,
    statusCode: err.statusCode,
    requestId: err.requestId,
    body: err.body,
    status: err.status,
    q2: err.q2,
  });
  hinted.holdMs = err.holdMs;
  return hinted;
}
