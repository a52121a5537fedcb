/**
 * The one registry of node sets: the runtime, the editor and help build, `npm start`, the examples and the tests
 * all read the pack's node sets, connection types and hand-written nodes from here, and the keys removed from
 * msg.config before Catch are computed from it.
 */
import { billerDirectNodeSet } from '../billerdirect/node-set';
import { coreproNodeSet } from '../corepro/node-set';
import { platformNodeSet } from '../platform/node-set';
import { NodeSet, nodeParams, nodeSpecs } from './node-set';

export const NODE_SETS: readonly NodeSet[] = [platformNodeSet, billerDirectNodeSet, coreproNodeSet];

/** Nodes with a hand-written runtime and editor (no operation table of their own). */
export const HAND_WRITTEN_NODES: readonly string[] = ['q2-billerdirect-webhook', 'q2-billerdirect-sso-link'];

/** The connection (config node) types, one per node set. */
export const CONNECTION_TYPES: readonly string[] = [...new Set(NODE_SETS.map((set) => set.connectionType))];

/** The node set that registers `type` (an operation or resource node), if any. */
export function nodeSetOf(type: string): NodeSet | undefined {
  return NODE_SETS.find((set) => nodeSpecs(set).some((spec) => spec.type === type));
}

/**
 * msg.config keys removed from a message that goes to Catch: the tokens and credentials any node may be given
 * (accessToken, the SSO link's token, keys and secrets) and every parameter an operation table marks sensitive.
 */
export const SENSITIVE_CONFIG_KEYS: ReadonlySet<string> = new Set<string>([
  'accessToken',
  'token',
  'apiKey',
  'apiSecret',
  'client_secret',
  'clientSecret',
  ...NODE_SETS.flatMap((set) =>
    nodeSpecs(set).flatMap((spec) =>
      nodeParams(spec)
        .filter((p) => p.sensitive)
        .map((p) => p.key),
    ),
  ),
]);
