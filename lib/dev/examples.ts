/**
 * The example flows in examples/ (what Node-RED lists under Import ▸ Examples), and the flows `npm start`
 * deploys from them: one tab per example file, node ids unique across tabs, each shared config node once,
 * every connection of the pack's node sets (NODE_SETS) pointed at the simulator with its demo credentials.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CONNECTION_TYPES } from '../model/registry';
import { BILLER_DIRECT_DEMO_API_KEY, DEMO_CLIENT, HELIX_DEMO_CREDENTIALS } from '../simulator';

/** The project root (this file runs from dist/lib/dev). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
export const EXAMPLES_DIR = path.join(PROJECT_ROOT, 'examples');

/**
 * The connection the examples of one node set share: one config node with a fixed id (so that imported
 * examples share it), its name, and the simulator's demo credentials, which `npm start` writes to flows_cred.json.
 */
export interface ExampleConnection {
  /** the config node type: a node set's `connectionType` */
  type: string;
  id: string;
  name: string;
  credentials: Readonly<Record<string, string>>;
  /** what follows the simulator's address in the connection's base URL, e.g. `/v1` for Biller Direct */
  basePath?: string;
}

export const EXAMPLE_CONNECTIONS: readonly ExampleConnection[] = [
  {
    type: 'q2-platform-config',
    id: 'q2-simulator-connection',
    name: 'Q2 simulator',
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret },
  },
  {
    type: 'q2-corepro-config',
    id: 'corepro-simulator-connection',
    name: 'CorePro simulator',
    credentials: { apiKey: HELIX_DEMO_CREDENTIALS.apiKey, apiSecret: HELIX_DEMO_CREDENTIALS.apiSecret },
  },
  {
    // environment `custom`; the simulator serves the Biller Direct API under /v1, like the real hosts
    type: 'q2-billerdirect-config',
    id: 'billerdirect-simulator-connection',
    name: 'Biller Direct simulator',
    credentials: { apiKey: BILLER_DIRECT_DEMO_API_KEY },
    basePath: '/v1',
  },
];

/** The id every example gives its Q2 Platform connection (kept for callers that know only the Platform). */
export const EXAMPLE_CONNECTION_ID = 'q2-simulator-connection';

/** The base URL of a connection type's example connection for a simulator at `simulatorUrl` (adds its basePath). */
export function exampleBaseUrl(type: string, simulatorUrl: string): string {
  return `${simulatorUrl.replace(/\/+$/, '')}${exampleConnection(type)?.basePath ?? ''}`;
}

/** The example connection of a config node type, if the pack has one. */
export function exampleConnection(type: string): ExampleConnection | undefined {
  return EXAMPLE_CONNECTIONS.find((c) => c.type === type);
}

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface Example {
  /** path relative to examples/, with `/` separators, e.g. `Q2 Platform/01 Get Token.json` (the Import menu shows it without `.json`) */
  name: string;
  nodes: FlowNode[];
}

/** The connection credentials per config node id, as in flows_cred.json or the test helper's credentials. */
export type Credentials = Record<string, Record<string, string>>;

/** Every `*.json` below `dir`, relative, sorted (files before the folders' contents at each level, like Node-RED's menu). */
export function exampleFiles(dir: string = EXAMPLES_DIR): string[] {
  const walk = (rel: string): string[] => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const files = entries.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => path.posix.join(rel, e.name));
    const nested = entries.filter((e) => e.isDirectory()).flatMap((e) => walk(path.posix.join(rel, e.name)));
    return [...files, ...nested];
  };
  return walk('');
}

function isFlowNode(value: unknown): value is FlowNode {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const node = value as Record<string, unknown>;
  return typeof node.id === 'string' && node.id !== '' && typeof node.type === 'string' && node.type !== '';
}

/** Reads one example; throws naming the file when it is not a JSON array of nodes with an id and a type. */
export function readExample(name: string, dir: string = EXAMPLES_DIR): Example {
  const text = fs.readFileSync(path.join(dir, name), 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`examples/${name} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!Array.isArray(parsed)) throw new Error(`examples/${name} is not a JSON array of nodes`);
  const bad = parsed.findIndex((n) => !isFlowNode(n));
  if (bad !== -1) throw new Error(`examples/${name}: item ${bad} is not a node with a string id and type`);
  return { name, nodes: parsed as FlowNode[] };
}

export function readExamples(dir: string = EXAMPLES_DIR): Example[] {
  return exampleFiles(dir).map((name) => readExample(name, dir));
}

/** A config node: no position and no wires (tabs, subflows and groups are not config nodes). */
export function isConfigNode(node: FlowNode): boolean {
  if (node.type === 'tab' || node.type === 'subflow' || node.type === 'group') return false;
  return !('x' in node) && !('wires' in node);
}

/**
 * The file name as the Import menu shows it, without its order prefix: `Q2 Platform/01 Get Token.json` → `Get Token`,
 * `Biller Direct/01 Bill-pay journey.json` → `Bill-pay journey`, `Onboarding journey.json` → `Onboarding journey`.
 */
export function tabLabel(name: string): string {
  return path.posix
    .basename(name, '.json')
    .replace(/^\d+\s+/, '')
    .trim();
}

function slug(text: string): string {
  return text
    .replace(/\.json$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

function remapList(value: unknown, map: (id: string) => string): unknown {
  return Array.isArray(value) ? (value as unknown[]).map((v) => (typeof v === 'string' ? map(v) : v)) : value;
}

/** Rewrites the references between flow nodes (wires, links, scopes, groups, tabs) through `map`. */
function remapReferences(node: FlowNode, map: (id: string) => string): FlowNode {
  const copy: FlowNode = { ...node, id: map(node.id) };
  if (Array.isArray(node.wires)) copy.wires = node.wires.map((port) => remapList(port, map));
  for (const key of ['links', 'scope', 'nodes']) if (Array.isArray(node[key])) copy[key] = remapList(node[key], map);
  if (typeof node.g === 'string') copy.g = map(node.g);
  return copy;
}

export interface DevFlowOptions {
  /**
   * the simulator's base URL, set on every connection of a node set (q2-platform-config, q2-corepro-config, …), followed by
   * the connection's basePath (`/v1` for q2-billerdirect-config)
   */
  baseUrl: string;
  /**
   * the credentials per connection type, e.g. `{'q2-corepro-config': {apiKey, apiSecret}}`; a type not given gets
   * its EXAMPLE_CONNECTIONS demo credentials
   */
  credentials?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

function credentialsFor(type: string, opts: DevFlowOptions): Record<string, string> | undefined {
  const given = opts.credentials?.[type] ?? exampleConnection(type)?.credentials;
  return given ? { ...given } : undefined;
}

export interface DevFlows {
  flows: FlowNode[];
  credentials: Credentials;
}

/**
 * One tab per example, labelled from its file name (or the file's own tab). A node id already used by an
 * earlier example gets a new id derived from its file and old id, so the result is the same on every run.
 * A config node shared by several examples (same id) is kept once; copies that differ are an error. Every
 * connection of a node set points at `opts.baseUrl` (plus its basePath) and gets its credentials.
 */
export function buildDevFlows(examples: readonly Example[], opts: DevFlowOptions): DevFlows {
  const flows: FlowNode[] = [];
  const configs = new Map<string, { json: string; from: string }>();
  const used = new Set<string>();
  for (const ex of examples) {
    for (const n of ex.nodes) if (isConfigNode(n)) used.add(n.id);
  }
  const credentials: Credentials = {};

  for (const ex of examples) {
    const tabs = ex.nodes.filter((n) => n.type === 'tab');
    const tabId = `tab-${slug(ex.name)}`;
    if (used.has(tabId)) throw new Error(`examples/${ex.name}: the tab id ${tabId} is already used`);
    used.add(tabId);
    const ownLabel = tabs.length === 1 && typeof tabs[0].label === 'string' ? tabs[0].label : undefined;
    flows.push({ id: tabId, type: 'tab', label: ownLabel ?? tabLabel(ex.name), disabled: false, info: `Example ${ex.name} of the Q2 nodes.` });

    if (ex.nodes.some((n) => n.type === 'subflow')) throw new Error(`examples/${ex.name}: subflows are not supported here`);
    const ids = new Map<string, string>();
    for (const n of ex.nodes) {
      if (n.type === 'tab' || isConfigNode(n)) continue;
      let id = n.id;
      if (used.has(id)) id = createHash('sha1').update(`${ex.name}\0${n.id}`).digest('hex').slice(0, 16);
      if (used.has(id)) throw new Error(`examples/${ex.name}: cannot give node ${n.id} a unique id`);
      used.add(id);
      ids.set(n.id, id);
    }
    const map = (id: string): string => ids.get(id) ?? id;

    for (const n of ex.nodes) {
      if (n.type === 'tab') continue;
      if (isConfigNode(n)) {
        const isConnection = CONNECTION_TYPES.includes(n.type);
        const config: FlowNode = isConnection ? { ...n, baseUrl: exampleBaseUrl(n.type, opts.baseUrl) } : { ...n };
        const json = JSON.stringify(config);
        const seen = configs.get(n.id);
        if (seen && seen.json !== json) throw new Error(`examples/${ex.name} and examples/${seen.from} define the config node ${n.id} differently`);
        if (!seen) {
          configs.set(n.id, { json, from: ex.name });
          flows.push(config);
          const creds = isConnection ? credentialsFor(n.type, opts) : undefined;
          if (creds) credentials[n.id] = creds;
        }
        continue;
      }
      flows.push({ ...remapReferences(n, map), z: tabId });
    }
  }
  return { flows, credentials };
}
