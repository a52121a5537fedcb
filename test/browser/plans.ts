/**
 * What the browser test does with each node type's dialog and what it expects to see: the fields that are required
 * (marked invalid until filled), values that must be marked invalid, rows that follow a select or checkbox, the
 * secrets it enters (which must never be shown again) and the values that make the node valid for a deploy.
 * The generated nodes' plans come from their operation tables (lib/), the hand-written ones are listed here.
 */
import { RELIABILITY_SETTINGS } from '../../lib/connection/reliability';
import { nodeParams, nodeSpecs, type NodeSpec } from '../../lib/model/node-set';
import { NODE_SETS } from '../../lib/model/registry';

export interface FieldCheck {
  /** the input's id */
  id: string;
  /** values the editor must mark invalid */
  invalid: string[];
  /** a value it must accept (left in the field) */
  valid: string;
}

/** Set a select or checkbox, then exactly these rows (by their input's id) are shown and these hidden. */
export interface RowSwitch {
  control: string;
  value: string | boolean;
  shown: string[];
  hidden: string[];
}

export interface Plan {
  type: string;
  /** the dialog's form prefix: `node-input` for a node, `node-config-input` for a config node */
  prefix: 'node-input' | 'node-config-input';
  /** the connection type of its `connection` field, and whether the field is required */
  connection?: { type: string; required: boolean };
  /** empty on a new node and required: marked invalid until filled with `value` */
  required: Array<{ id: string; value: string }>;
  /** setting `set` to `value` marks `marked` invalid until `fill` is filled with `with` */
  dependents?: Array<{ set: string; value: string; marked: string; fill: string; with: string }>;
  checks: FieldCheck[];
  /** run before the checks (on a fresh dialog), and after them (`late`, on the values the checks left) */
  switches: RowSwitch[];
  late?: RowSwitch[];
  /** password inputs and key textareas, and what is typed into them (or, with `upload`, read from a file by that file input) */
  secrets: Array<{ id: string; value: string; upload?: string }>;
  /** TypedInputs switched to a type that reads per message (e.g. flow): the value is then a key, not a literal to check */
  typed?: Array<{ id: string; type: string; value: string }>;
  /** further values entered before Done (selects and checkboxes by value), in order, after the checks and switches */
  fill: Array<{ id: string; value: string | boolean }>;
  /** after save and reopen: elements whose text says a key is stored, and the word it must show */
  stored?: Array<{ id: string; key: string }>;
  /** once deployed, the path where the runtime serves the public half of the key entered, as a JWKS of one key */
  jwks?: string;
}

/** Keys for the key fields: an RSA private key (PEM, PKCS#8) and its public half (PEM, SPKI). */
export interface Keys {
  privatePem: string;
  publicPem: string;
}

const id = (prefix: string, key: string) => `${prefix}-${key}`;

/** The reliability settings every connection has: out of range is invalid, the default is valid. */
function connectionChecks(prefix: string): FieldCheck[] {
  return [
    { id: id(prefix, 'timeout'), invalid: ['abc'], valid: '30' },
    ...RELIABILITY_SETTINGS.map((s) => ({ id: id(prefix, s.key), invalid: [String(s.max + 1), 'abc'], valid: String(s.default) })),
  ];
}

/** The plan of a generated node: its params' validators, its operation rows, its sensitive params as secrets. */
function generatedPlan(spec: NodeSpec, connectionType: string): Plan {
  const p = 'node-input';
  const params = nodeParams(spec);
  const checks: FieldCheck[] = [];
  for (const param of params) {
    if (param.sensitive) continue;
    if (param.type === 'id') checks.push({ id: id(p, param.key), invalid: ['abc', '0', '4 2'], valid: '42' });
    if (param.type === 'url') checks.push({ id: id(p, param.key), invalid: ['stage.q2api.com', 'https://'], valid: '${Q2_BASE_URL}' });
    if (param.type === 'list') checks.push({ id: id(p, param.key), invalid: ['a,', 'a, b'], valid: 'a,b' });
  }
  const rowsOf = (op: NodeSpec['operations'][number]) => [...op.params.map((q) => id(p, q.key)), ...(op.body ? [id(p, 'dataProperty')] : [])];
  const all = [...new Set(spec.operations.flatMap(rowsOf))];
  const switches: RowSwitch[] = spec.selectable
    ? spec.operations.map((op) => {
        const shown = [...new Set(rowsOf(op))];
        return { control: id(p, 'operation'), value: op.name, shown, hidden: all.filter((r) => !shown.includes(r)) };
      })
    : [];
  // the last operation's rows are shown after the switches: the checks run on those
  const shownChecks = spec.selectable ? checks.filter((c) => switches[switches.length - 1].shown.includes(c.id)) : checks;
  const typedId = shownChecks.find((c) => c.invalid.includes('abc'))?.id;
  return {
    type: spec.type,
    prefix: p,
    connection: { type: connectionType, required: true },
    required: [],
    checks: shownChecks,
    switches,
    // a field whose literal must be an id, read from flow context instead: a key such as `customer.abc` is valid
    typed: typedId ? [{ id: typedId, type: 'flow', value: 'customer.abc' }] : [],
    secrets: params
      .filter((q) => q.sensitive && (!spec.selectable || switches[switches.length - 1].shown.includes(id(p, q.key))))
      .map((q) => ({
        id: id(p, q.key),
        value: `S3CRET-${spec.type}-${q.key}`,
      })),
    fill: [],
  };
}

/** The plans of every node type the pack registers, by type; `simUrl` is the simulator the connections point at. */
export function plans(keys: Keys, simUrl: string): Map<string, Plan> {
  const out = new Map<string, Plan>();
  for (const set of NODE_SETS) for (const spec of nodeSpecs(set)) out.set(spec.type, generatedPlan(spec, set.connectionType));

  const c = 'node-config-input';
  out.set('q2-platform-config', {
    type: 'q2-platform-config',
    prefix: c,
    required: [],
    checks: [
      { id: id(c, 'baseUrl'), invalid: ['stage.q2api.com', ''], valid: simUrl },
      { id: id(c, 'tokenUrl'), invalid: ['/v2/oauth2/token'], valid: `${simUrl}/v2/oauth2/token` },
      ...connectionChecks(c),
    ],
    switches: [],
    secrets: [
      { id: id(c, 'clientId'), value: 'S3CRET-platform-client-id' },
      { id: id(c, 'clientSecret'), value: 'S3CRET-platform-client-secret' },
    ],
    fill: [{ id: id(c, 'scope'), value: 'CaliperAPI:All' }],
  });
  out.set('q2-billerdirect-config', {
    type: 'q2-billerdirect-config',
    prefix: c,
    required: [{ id: id(c, 'apiKey'), value: 'S3CRET-billerdirect-api-key' }],
    checks: [{ id: id(c, 'jwksPath'), invalid: ['has space'], valid: '/q2/browser-signing-jwks' }, ...connectionChecks(c)],
    switches: [
      { control: id(c, 'environment'), value: 'sandbox', shown: [], hidden: [id(c, 'baseUrl')] },
      { control: id(c, 'environment'), value: 'custom', shown: [id(c, 'baseUrl')], hidden: [] },
    ],
    secrets: [
      { id: id(c, 'apiKey'), value: 'S3CRET-billerdirect-api-key' },
      { id: 'q2-billerdirect-config-signingKey-text', value: keys.privatePem },
    ],
    fill: [{ id: id(c, 'baseUrl'), value: `${simUrl}/v1` }],
    stored: [{ id: 'q2-billerdirect-config-signingKey-state', key: 'q2-billerdirect-config.signingKey.stored' }],
    jwks: '/q2/browser-signing-jwks',
  });
  out.set('q2-corepro-config', {
    type: 'q2-corepro-config',
    prefix: c,
    required: [
      { id: id(c, 'apiKey'), value: 'S3CRET-corepro-api-key' },
      { id: id(c, 'apiSecret'), value: 'S3CRET-corepro-api-secret' },
    ],
    checks: connectionChecks(c),
    switches: [
      { control: id(c, 'preset'), value: 'helix-sandbox', shown: [], hidden: [id(c, 'baseUrl')] },
      { control: id(c, 'preset'), value: 'custom', shown: [id(c, 'baseUrl')], hidden: [] },
    ],
    secrets: [
      { id: id(c, 'apiKey'), value: 'S3CRET-corepro-api-key' },
      { id: id(c, 'apiSecret'), value: 'S3CRET-corepro-api-secret' },
    ],
    fill: [{ id: id(c, 'baseUrl'), value: simUrl }],
  });

  const n = 'node-input';
  const sso = (key: string) => id(n, key);
  const products: Record<string, string[]> = {
    connect: ['companyId', 'billId', 'swapId', 'paymentMethodId', 'items', 'cardPaymentsOnly', 'authId'],
    cardswap: ['startView', 'sessionId'],
    'biller-direct': ['companyId', 'billId', 'cardPaymentsOnly', 'skipOnboarding'],
  };
  const params = [...new Set(Object.values(products).flat())];
  out.set('q2-billerdirect-sso-link', {
    type: 'q2-billerdirect-sso-link',
    prefix: n,
    connection: { type: 'q2-billerdirect-config', required: false },
    required: [],
    checks: [
      { id: sso('expiration'), invalid: ['tomorrow', '2030-1-1'], valid: '2030-01-01T00:00:00Z' },
      { id: sso('accessTokenExpiresIn'), invalid: ['0', 'abc', '1.5'], valid: '3600' },
      { id: sso('items'), invalid: ['bills', 'bill, payment'], valid: 'bill,payment' },
    ],
    switches: [
      ...['cardswap', 'biller-direct', 'connect'].map((product) => ({
        control: sso('product'),
        value: product,
        shown: products[product].map(sso),
        hidden: params.filter((k) => !products[product].includes(k)).map(sso),
      })),
    ],
    // a parameter of another product that holds a value stays shown: it is still written into the link
    late: [
      {
        control: sso('product'),
        value: 'cardswap',
        shown: [sso('startView'), sso('sessionId'), sso('items')],
        hidden: ['companyId', 'billId', 'swapId', 'paymentMethodId', 'cardPaymentsOnly', 'authId', 'skipOnboarding'].map(sso),
      },
      { control: sso('product'), value: 'connect', shown: products.connect.map(sso), hidden: [sso('startView'), sso('sessionId'), sso('skipOnboarding')] },
    ],
    secrets: [],
    fill: [{ id: sso('identifier'), value: 'browser-test-user' }],
  });

  const w = (key: string) => id(n, key);
  const dedupeRows = ['dedupeWindow', 'dedupeStore', 'redisUrl', 'redisPassword', 'dedupeNamespace', 'dedupeFailure', 'dedupeTimeout'];
  out.set('q2-billerdirect-webhook', {
    type: 'q2-billerdirect-webhook',
    prefix: n,
    connection: { type: 'q2-billerdirect-config', required: false },
    required: [],
    // keys chosen as the signature source but none entered: the source is marked until keys are pasted
    dependents: [{ set: w('keySource'), value: 'keys', marked: w('keySource'), fill: 'q2-billerdirect-webhook-signingKeys-text', with: keys.publicPem }],
    checks: [
      { id: w('url'), invalid: ['', 'has space'], valid: '/q2/browser-events' },
      { id: w('oauthPath'), invalid: ['/q2/browser-events', 'has space'], valid: '/q2/browser-oauth' },
      { id: w('oauthLifetime'), invalid: ['30', '86401', 'abc'], valid: '900' },
      { id: w('jwksPath'), invalid: ['has space'], valid: '/q2/browser-jwks' },
      { id: w('dedupeWindow'), invalid: ['abc', '-1'], valid: '${Q2_DEDUPE_WINDOW}' },
      { id: w('maxBodyKb'), invalid: ['abc', '0'], valid: '256' },
    ],
    switches: [
      {
        control: w('keySource'),
        value: 'none',
        shown: [],
        hidden: ['q2-billerdirect-webhook-signingKeys-text', w('connection'), w('signatureHeader'), w('issuer'), w('audience'), w('requireSignature')],
      },
      {
        control: w('keySource'),
        value: 'connection',
        shown: [w('connection'), w('signatureHeader'), w('issuer'), w('audience'), w('requireSignature')],
        hidden: ['q2-billerdirect-webhook-signingKeys-text'],
      },
      { control: w('dedupe'), value: false, shown: [], hidden: dedupeRows.map(w) },
      { control: w('dedupe'), value: true, shown: [w('dedupeWindow'), w('dedupeStore')], hidden: [w('redisUrl'), w('dedupeFailure')] },
      { control: w('dedupeStore'), value: 'redis', shown: [w('redisUrl'), w('redisPassword'), w('dedupeNamespace'), w('dedupeFailure')], hidden: [] },
      { control: w('dedupeStore'), value: 'context', shown: [w('dedupeFailure'), w('dedupeTimeout')], hidden: [w('redisUrl'), w('redisPassword')] },
      { control: w('dedupeStore'), value: 'memory', shown: [], hidden: [w('redisUrl'), w('dedupeFailure'), w('dedupeTimeout')] },
      {
        control: w('keySource'),
        value: 'keys',
        shown: ['q2-billerdirect-webhook-signingKeys-text', w('signatureHeader'), w('issuer'), w('audience'), w('requireSignature')],
        hidden: [w('connection')],
      },
    ],
    secrets: [
      { id: 'q2-billerdirect-webhook-signingKeys-text', value: keys.publicPem },
      { id: 'q2-billerdirect-webhook-decryptionKey-text', value: keys.privatePem, upload: 'q2-billerdirect-webhook-decryptionKey-file' },
      { id: w('bearerToken'), value: 'S3CRET-webhook-bearer' },
      { id: w('oauthClientSecret'), value: 'S3CRET-webhook-oauth-secret' },
    ],
    fill: [{ id: w('oauthClientId'), value: 'browser-test-client' }],
    stored: [
      { id: 'q2-billerdirect-webhook-signingKeys-state', key: 'q2-billerdirect-webhook.keys.stored' },
      { id: 'q2-billerdirect-webhook-decryptionKey-state', key: 'q2-billerdirect-webhook.keys.stored' },
    ],
    jwks: '/q2/browser-jwks',
  });
  return out;
}
