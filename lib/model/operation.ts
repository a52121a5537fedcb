/**
 * The declarative description of the API operations. From an OperationSpec the pack derives the runtime
 * handler (lib/node-red/register.ts, lib/request/), the ajv schema (lib/request/validate.ts), the edit panel and the help page (lib/build).
 * The words (labels, help text) live in locales/en-US/<node set>.json under the node type.
 */
import type { JSONSchemaType } from 'ajv';

export type ParamType = 'string' | 'id' | 'boolean' | 'enum' | 'url' | 'list' | 'number' | 'object';

/**
 * Where a parameter's value goes. `setting` values steer the request (base URL, version, the method of a
 * passthrough) but are not sent; `header` values are sent as request headers (named `wire ?? key`).
 */
export type ParamPlace = 'path' | 'query' | 'header' | 'body' | 'form' | 'setting';

/** Connection-level values a blank parameter falls back to. */
export type ConnectionDefault = 'baseUrl' | 'apiVersion' | 'clientId' | 'clientSecret' | 'grantType' | 'scope';

export interface ParamSpec {
  /** node property name and msg.config key (exactly the seed's spelling) */
  key: string;
  in: ParamPlace;
  /** name on the wire when it differs from `key` */
  wire?: string;
  type: ParamType;
  enum?: readonly string[];
  required?: boolean;
  /** personal data or secret: a password credential of the node, never logged, removed from msg.config on error */
  sensitive?: boolean;
  /** a blank value falls back to this connection setting */
  fallback?: ConnectionDefault;
  /** the value used when the node, the message and the connection give none */
  default?: string;
  /** booleans only: sent only when true (include flags) */
  sendOnlyTrue?: boolean;
  /** objects only: the JSON schema of the value (default: any object) */
  schema?: object;
  /** strings only: a regular expression the value must match, and the hint shown when it does not */
  pattern?: string;
  patternHint?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BodySpec {
  /** the message property the body is read from, by default (the node's "data property") */
  defaultProperty: string;
  /** JSON schema the body must satisfy (after normalise) */
  schema: object;
  /** turns the accepted input shapes into the one shape that is sent */
  normalise?: (value: unknown) => unknown;
  /** when the property holds no object, the body is only what the params give (e.g. archive by ids) */
  optional?: boolean;
}

/** One HTTP request an operation node can make. */
export interface RequestSpec {
  /** the HTTP method; with `methodParam`, the method used when that param is blank */
  method: HttpMethod;
  /** the key of an enum param whose value is the HTTP method (a passthrough such as Caliper's `Cust`) */
  methodParam?: string;
  /** path after the base URL; `{key}` placeholders are filled (URL-encoded) from params */
  path: string;
  params: readonly ParamSpec[];
  body?: BodySpec;
  /**
   * exactly one of these keys must have a value; when several do, those from the most specific source win
   * (msg.config over the node), so a message can switch selector
   */
  exactlyOne?: readonly string[];
  /** when the first key has a value, each of the others must have one too (`{CSRLogin: ['CSRPassword']}`) */
  requiredWith?: Readonly<Record<string, readonly string[]>>;
  /** how the request is authorised: by the connection (bearer token, API key or Basic), or by the client credentials themselves */
  auth: 'connection' | 'client-credentials';
  /** a custom executor (Get Token, the generic Q2 Request); by default the request is built from the spec and sent */
  executor?: 'token' | 'request';
  /**
   * true: a POST that only reads (a lookup or a search), retried like a GET on 502/503/504, timeouts and resets;
   * false: a GET that changes state (Caliper's ACH/AuthorizePayment), never retried once it may have reached the
   * server. Unset: a GET is a read, anything else a write.
   */
  safe?: boolean;
}

/** A node that makes one request (a Q2 Platform action). */
export interface OperationSpec extends RequestSpec {
  /** Node-RED node type id */
  type: string;
  /** Font Awesome or icons/ file */
  icon: string;
  /**
   * msg.config keys known to be misplaced here (the seed's Enrollment sample carries Add Account Association's): they
   * are not sent, and the node warns once, in the words `<type>.ignoredKeys` (`__keys__`)
   */
  ignoredKeys?: readonly string[];
}

/** A resource node: its `operation` property (or msg.config.operation) picks one of several requests. */
export interface ResourceSpec {
  type: string;
  icon: string;
  operations: readonly NamedRequest[];
}

export interface NamedRequest extends RequestSpec {
  /** the operation's name: the value of the `operation` property */
  name: string;
}

/** A resolved parameter value and where it came from (for error messages). */
export interface ResolvedValue {
  value: unknown;
  source: 'msg' | 'node' | 'connection' | 'default';
  /** for a node value read through a TypedInput: where from (`flow.customer`, `env.Q2_USER`, `JSONata`) */
  from?: string;
}

export type Resolved = Record<string, ResolvedValue>;

/** Values after validation, converted to their wire types. */
export type Effective = Record<string, string | number | boolean | undefined>;

export type Schema = JSONSchemaType<unknown>;
