/**
 * The generic Q2 Request node (`q2-platform-request`): any Caliper call Q2 adds later — a method, a path after the
 * connection's base URL and version, query parameters, headers and a JSON body — with the connection's managed token,
 * its origin rules, its queue and retry rules (a GET is a read; anything else is a write, never retried). The
 * connection owns authorisation: a header that would replace it (Authorization, Cookie, Host, Content-Length) is
 * refused, naming the header.
 */
import type { OperationSpec } from '../model/operation';
import { Q2Error } from '../errors';
import { t } from '../i18n';
import { isObject } from '../connection/envelope';
import { sendJson, type OperationContext } from '../request/execute';
import type { OperationResult } from '../node-red/node-input';
import { methodOf } from '../request/build';
import { versioned } from './operations';

/** A path after the version: `/`-separated segments, none `.`/`..` (even percent-encoded), no query, fragment or space. */
const REQUEST_PATH = '^(?:/(?!(?:\\.|%2[eE]){1,2}(?:/|$))[^/?#\\s]+)+/?$';

/** Headers the connection owns. */
const RESERVED_HEADERS = new Set(['authorization', 'cookie', 'host', 'content-length', 'proxy-authorization']);

export const requestNode: OperationSpec = {
  type: 'q2-platform-request',
  icon: 'font-awesome/fa-exchange',
  method: 'GET',
  methodParam: 'method',
  path: '/{apiVersion}',
  auth: 'connection',
  executor: 'request',
  params: [
    ...versioned,
    { key: 'method', in: 'setting', type: 'enum', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], default: 'GET' },
    { key: 'path', in: 'setting', type: 'string', required: true, pattern: REQUEST_PATH, patternHint: 'hint.requestPath' },
    {
      key: 'query',
      in: 'setting',
      type: 'object',
      schema: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
      patternHint: 'hint.queryObject',
    },
    {
      key: 'headers',
      in: 'setting',
      type: 'object',
      schema: {
        type: 'object',
        propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
        additionalProperties: { type: 'string', pattern: '^[^\\r\\n\\u0000]*$' },
      },
      patternHint: 'hint.headersObject',
    },
  ],
  body: { defaultProperty: 'payload', schema: { anyOf: [{ type: 'object' }, { type: 'array' }] }, optional: true },
};

/** The Q2 Request node's executor: the URL, query and headers from its settings, then the connection's send. */
export async function sendRequest(ctx: OperationContext): Promise<OperationResult> {
  const { op, connection, effective, resolved } = ctx;
  const method = methodOf(op, effective);
  const base = String(effective.baseUrl ?? connection.baseUrl).replace(/\/+$/, '');
  const query = new URLSearchParams();
  const given = resolved.query?.value;
  if (isObject(given)) for (const [name, value] of Object.entries(given)) query.append(name, String(value));
  const qs = query.toString();
  const url = `${base}/${String(effective.apiVersion)}${String(effective.path)}${qs ? `?${qs}` : ''}`;
  const headers: Record<string, string> = {};
  const extra = resolved.headers?.value;
  if (isObject(extra)) {
    for (const [name, value] of Object.entries(extra)) {
      if (RESERVED_HEADERS.has(name.toLowerCase())) {
        throw new Q2Error(t('validation.reservedHeader', { name }), { kind: 'input', status: t('status.invalidInput') });
      }
      headers[name] = String(value);
    }
  }
  // a GET sends no body; a DELETE only one the data property really holds (an inject's timestamp reads as {})
  const empty = isObject(ctx.body) && Object.keys(ctx.body).length === 0;
  const body = method === 'GET' || (method === 'DELETE' && empty) ? undefined : ctx.body;
  return sendJson(ctx, { method, url, headers, body });
}
