/**
 * Registration of a connection config node, whatever the API family: reads the shared settings (timeout, core
 * `tls-config` and `http proxy` nodes), builds the family's Connection, and releases its agents on close.
 */
import type https from 'node:https';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { Connection, Reliability } from '../connection/connection';
import { DEFAULT_TIMEOUT_S, reliabilityOf, settingOf } from '../connection/reliability';
import type { HttpClientOptions, ProxySettings } from '../connection/http';
import type { ProxyOptions } from '../connection/proxy-env';
import { t } from '../i18n';
import type { ConnectionNode } from './register';

export interface ConnectionNodeDef extends NodeDef {
  tls?: string;
  proxy?: string;
  /** seconds */
  timeout?: string | number;
  [property: string]: unknown;
}

type TlsConfigNode = Node & { addTLSOptions(opts: https.AgentOptions): https.AgentOptions };
type ProxyConfigNode = Node & { url?: string; noproxy?: string[]; credentials?: { username?: string; password?: string } };

export function httpOptions(RED: NodeAPI, def: ConnectionNodeDef): HttpClientOptions {
  const seconds = Number(def.timeout);
  const options: HttpClientOptions = {
    timeoutMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TIMEOUT_S) * 1000,
    maxResponseBytes: Math.round(settingOf(def, 'maxResponseMB') * 1024 * 1024),
  };
  const tlsNode = def.tls ? (RED.nodes.getNode(def.tls) as TlsConfigNode | null) : null;
  if (tlsNode && typeof tlsNode.addTLSOptions === 'function') options.tls = tlsNode.addTLSOptions({});
  // Node-RED's proxyOptions setting applies to the environment's proxy as for core http request
  const proxyOptions = (RED.settings as unknown as { proxyOptions?: unknown }).proxyOptions;
  if (proxyOptions && typeof proxyOptions === 'object') options.proxyOptions = proxyOptions as ProxyOptions;
  const proxyNode = def.proxy ? (RED.nodes.getNode(def.proxy) as ProxyConfigNode | null) : null;
  // a chosen proxy node replaces the environment; one without a URL means direct, as in core
  if (def.proxy) options.proxy = { url: proxyNode?.url ?? '', noproxy: proxyNode?.noproxy ?? [] };
  if (proxyNode?.url) {
    const proxy: ProxySettings = { url: proxyNode.url, noproxy: proxyNode.noproxy ?? [] };
    if (proxyNode.credentials?.username) {
      proxy.username = proxyNode.credentials.username;
      proxy.password = proxyNode.credentials.password;
    }
    options.proxy = proxy;
  }
  return options;
}

/** The comma- or space-separated origins of an `allowedOrigins` setting. */
export function listOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/** A value Node-RED left as `${NAME}`: the environment variable is not set (Node-RED substitutes only set ones). */
const UNSET_ENV = /^\$\{(\w+)\}$/;

/** The first setting or credential still holding `${NAME}`, as [field, NAME]. */
export function unsetVariable(values: Record<string, unknown>): [string, string] | undefined {
  for (const [field, value] of Object.entries(values)) {
    const name = typeof value === 'string' ? UNSET_ENV.exec(value.trim())?.[1] : undefined;
    if (name) return [field, name];
  }
  return undefined;
}

export function registerConnection<D extends ConnectionNodeDef>(
  RED: NodeAPI,
  type: string,
  credentials: Record<string, { type: 'password' | 'text' }>,
  create: (def: D, creds: Record<string, string | undefined>, http: HttpClientOptions, reliability: Reliability) => Connection,
  /** what the family's connection node adds (e.g. a route); returns what to release on close */
  extend?: (node: ConnectionNode, def: D, connection: Connection) => (() => void) | undefined,
): void {
  function ConnectionConfigNode(this: ConnectionNode, def: D) {
    RED.nodes.createNode(this, def);
    const creds = (this.credentials ?? {}) as Record<string, string | undefined>;
    const connection = create(def, creds, httpOptions(RED, def), reliabilityOf(def));
    this.q2 = connection;
    const unset = unsetVariable({ ...def, ...creds });
    this.q2Problem = unset ? t('errors.unsetEnv', { name: unset[1], field: unset[0] }) : connection.problem;
    this.q2ProblemStatus = unset ? t('status.unsetEnv', { name: unset[1] }) : connection.problem ? t('status.badConnection') : undefined;
    if (unset) this.error(this.q2Problem);
    if (connection.badOrigins.length) this.warn(t('errors.badOrigins', { count: connection.badOrigins.length }));
    const release = extend?.(this, def, connection);
    // queued requests leave unsent, those on the wire get the grace period, then everything is released
    this.on('close', (_removed: boolean, done: () => void) => {
      release?.();
      connection.close().then(done, (err: unknown) => {
        this.error(err instanceof Error ? err.message : String(err));
        done();
      });
    });
  }
  RED.nodes.registerType(type, ConnectionConfigNode, { credentials });
}
