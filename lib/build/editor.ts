/**
 * Build step: derives each node set's editor file (`<set>.html`: registerType with literal defaults and
 * the edit panel) and help file (`locales/en-US/<set>.html`) from the OperationSpecs and their words,
 * then copies icons, locales and hand-written editor files beside the compiled nodes (the layout the
 * Node-RED loader requires: dist/nodes/{*.js,*.html,icons/,locales/}).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ParamSpec } from '../model/operation';
import { DEFAULT_TIMEOUT_S, RELIABILITY_SETTINGS } from '../connection/reliability';
import { nodeParams, NodeSet, NodeSpec, nodeSpecs } from '../model/node-set';
import { NODE_SETS } from '../model/registry';
import { q2EditorClient } from './editor-client';
import { PATTERNS } from '../request/validate';
import { BILLER_DIRECT_HOSTS } from '../billerdirect/connection';
import { HELIX_HOSTS } from '../corepro/connection';
import { ssoSpec } from '../billerdirect/sso';
import { DYNAMIC_TYPES, literalTypes } from '../node-red/typed-params';

/**
 * Runtime constants the hand-written editors use, written in where they say `Q2_CONST_<NAME>`: the hosts and
 * presets of the connections and the shapes of URLs and environment variables, so no editor keeps a copy.
 */
export const EDITOR_CONSTANTS: Readonly<Record<string, unknown>> = {
  BILLER_DIRECT_HOSTS,
  COREPRO_HOSTS: HELIX_HOSTS,
  URL_PATTERN: PATTERNS.url,
  SSO_ITEMS_PATTERN: ssoSpec.params.find((p) => p.key === 'items')?.pattern,
  ENV_PATTERN: PATTERNS.env,
};

/** `Q2_CONST_<NAME>` tokens replaced by the JSON of EDITOR_CONSTANTS' values (an unknown name is an error). */
export function withEditorConstants(html: string): string {
  return html.replace(/\bQ2_CONST_([A-Z_]+)\b/g, (_token, name: string) => {
    if (!(name in EDITOR_CONSTANTS)) throw new Error(`Q2_CONST_${name}: no such editor constant`);
    return JSON.stringify(EDITOR_CONSTANTS[name]);
  });
}

const root = path.resolve(__dirname, '..', '..', '..');
const out = path.join(root, 'dist', 'nodes');

/** The pack's package name: Node-RED prefixes the i18n keys of the pack's dialogs with it (`@q2-nodes/node-red-q2/<set>:…`). */
const PACK_NAME = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string }).name;

/**
 * The style of the pack's edit dialogs (a form showing one of the pack's words), written into every editor file: a
 * label column of 130px instead of Node-RED's 100px, so that labels such as "Allowed origins" stay on one line.
 */
export const EDITOR_STYLE = `<style>\n  form:has(span[data-i18n^="${PACK_NAME}/"]) .form-row > label { width: 130px; }\n</style>`;

type Words = { [key: string]: string | Words };

export function word(words: Words, key: string): string | undefined {
  let node: string | Words | undefined = words;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

/** The words key for a param: the node's own, else the set's common one. */
function paramKey(words: Words, spec: NodeSpec, key: string, leaf: string): string {
  const own = `${spec.type}.params.${key}.${leaf}`;
  return word(words, own) !== undefined ? own : `common.params.${key}.${leaf}`;
}

/** A word that must exist: a missing one fails the build, naming the locale file and key. */
export function need(words: Words, key: string, set: string): string {
  const text = word(words, key);
  if (text === undefined) throw new Error(`locales/en-US/${set}.json has no "${key}"`);
  return text;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const validated: Partial<Record<ParamSpec['type'], string>> = { id: 'id', url: 'url', list: 'list', number: 'number' };

function bodyOps(spec: NodeSpec): string[] {
  return spec.operations.filter((op) => op.body).map((op) => op.name);
}

function defaultsFor(set: NodeSet, spec: NodeSpec): string {
  const lines = [`name: { value: '' }`, `connection: { value: '', type: '${set.connectionType}', required: true }`, `allowOverrides: { value: true }`];
  if (spec.selectable) lines.push(`operation: { value: '${spec.operations[0].name}', required: true }`);
  for (const p of nodeParams(spec)) {
    if (p.sensitive) continue;
    // a TypedInput: the value and, in <key>Type, its type (a literal type by default: old flows have none)
    // blank: not sent (a boolean too — a flag left alone must not be sent as false)
    const value = "''";
    // quoted: a documented name may not be a JS identifier (`valid-international`, `campaign-name`)
    lines.push(`'${p.key}': { value: ${value}, validate: function (v) { return Q2Editor.validTyped('${validated[p.type] ?? ''}', v, '${p.key}', this); } }`);
    lines.push(`'${p.key}Type': { value: '${literalTypes(p)[0]}' }`);
  }
  const withBody = spec.operations.find((op) => op.body);
  if (withBody?.body)
    lines.push(`dataProperty: { value: '${withBody.body.defaultProperty}', required: true, validate: function (v) { return Q2Editor.validProperty(v); } }`);
  // not required: a node saved before it had one (and not opened since) writes to msg.payload
  lines.push(`outputProperty: { value: 'payload', validate: function (v) { return v === undefined || v === '' || Q2Editor.validProperty(v); } }`);
  return lines.map((l) => `      ${l}`).join(',\n');
}

/** What the panel's script needs to make each non-secret param a TypedInput: its key, its types, the enum's options. */
function typedFields(words: Words, spec: NodeSpec): string {
  const fields = nodeParams(spec)
    .filter((p) => !p.sensitive)
    .map((p) => {
      const field: Record<string, unknown> = { key: p.key, types: [...literalTypes(p), ...DYNAMIC_TYPES] };
      if (p.type === 'enum') field.options = ['', ...(p.enum ?? [])];
      if (p.type === 'enum') field.blank = paramKey(words, spec, p.key, 'blank');
      if (p.type === 'boolean') field.options = ['', 'true', 'false'];
      if (p.type === 'boolean') field.blank = 'common.typed.notSent';
      return field;
    });
  return JSON.stringify(fields).replace(/"/g, "'");
}

function credentialsFor(spec: NodeSpec): string {
  return nodeParams(spec)
    .filter((p) => p.sensitive)
    .map((p) => `      ${p.key}: { type: 'password' }`)
    .join(',\n');
}

/**
 * The canvas label: the node's name, else its palette label; a resource node adds its operation ("BD Bill: list"),
 * so that nodes of one type read differently on the canvas.
 */
function canvasLabel(spec: NodeSpec): string {
  const palette = `this._('${spec.type}.paletteLabel')`;
  if (!spec.selectable) return `function () { return this.name || ${palette}; }`;
  const ops = JSON.stringify(spec.operations.map((op) => op.name)).replace(/"/g, "'");
  return `function () {
      if (this.name) return this.name;
      return ${ops}.indexOf(this.operation) === -1 ? ${palette} : ${palette} + ': ' + this._('${spec.type}.operations.' + this.operation + '.label');
    }`;
}

function registration(set: NodeSet, words: Words, spec: NodeSpec): string {
  const label = `${spec.type}.paletteLabel`;
  return `  RED.nodes.registerType('${spec.type}', {
    category: '${set.category}',
    color: '${set.color}',
    defaults: {
${defaultsFor(set, spec)}
    },
    credentials: {
${credentialsFor(spec)}
    },
    inputs: 1,
    outputs: 1,
    icon: '${spec.icon}',
    paletteLabel: function () { return this._('${label}'); },
    label: ${canvasLabel(spec)},
    labelStyle: function () { return this.name ? 'node_label_italic' : ''; },
    oneditprepare: function () { Q2Editor.prepare(this, { dataProperty: ${bodyOps(spec).length ? 'true' : 'false'}, params: ${typedFields(words, spec)} }); }
  });`;
}

/** A form row; on a resource node, `ops` lists the operations it belongs to (the panel shows only those). */
function row(inner: string, ops?: string[]): string {
  const scope = ops ? ` class="form-row q2-op-row" data-ops="${esc(ops.join(' '))}"` : ' class="form-row"';
  return `  <div${scope}>\n    ${inner}\n  </div>`;
}

function opsUsing(spec: NodeSpec, key: string): string[] | undefined {
  return spec.selectable ? spec.operations.filter((op) => op.params.some((p) => p.key === key)).map((op) => op.name) : undefined;
}

function paramRow(words: Words, spec: NodeSpec, p: ParamSpec): string {
  const ops = opsUsing(spec, p.key);
  const id = `node-input-${p.key}`;
  const label = `<label for="${id}"><span data-i18n="${paramKey(words, spec, p.key, 'label')}"></span></label>`;
  const placeholderKey = paramKey(words, spec, p.key, 'placeholder');
  const placeholder = word(words, placeholderKey) !== undefined ? ` data-i18n="[placeholder]${placeholderKey}"` : '';
  if (p.sensitive) return row(`${label}\n    <input type="password" id="${id}" style="width:70%"${placeholder}>`, ops);
  // a TypedInput (lib/build/editor-client.ts): the value, and its type in the hidden <key>Type
  return row(`${label}\n    <input type="text" id="${id}" style="width:70%"${placeholder}>\n    <input type="hidden" id="${id}Type">`, ops);
}

function template(words: Words, spec: NodeSpec): string {
  const rows = [
    row(
      `<label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="common.params.name.label"></span></label>\n    <input type="text" id="node-input-name">`,
    ),
    row(
      `<label for="node-input-connection"><i class="fa fa-server"></i> <span data-i18n="common.params.connection.label"></span></label>\n    <input type="text" id="node-input-connection">`,
    ),
  ];
  if (spec.selectable) {
    const options = spec.operations.map((op) => `<option value="${esc(op.name)}" data-i18n="${spec.type}.operations.${op.name}.label"></option>`);
    rows.push(
      row(
        `<label for="node-input-operation"><i class="fa fa-wrench"></i> <span data-i18n="common.params.operation.label"></span></label>\n    <select id="node-input-operation" style="width:70%">${options.join('')}</select>`,
      ),
    );
  }
  rows.push(...nodeParams(spec).map((p) => paramRow(words, spec, p)));
  const withBody = bodyOps(spec);
  if (withBody.length) {
    rows.push(
      row(
        `<label for="node-input-dataProperty"><i class="fa fa-sign-in"></i> <span data-i18n="common.params.dataProperty.label"></span></label>\n    <input type="text" id="node-input-dataProperty" style="width:70%">`,
        spec.selectable ? withBody : undefined,
      ),
    );
  }
  rows.push(
    row(
      `<label for="node-input-outputProperty"><i class="fa fa-sign-out"></i> <span data-i18n="common.params.outputProperty.label"></span></label>\n    <input type="text" id="node-input-outputProperty" style="width:70%">`,
    ),
  );
  rows.push(
    row(
      `<label>&nbsp;</label><label for="node-input-allowOverrides" style="width:auto"><input type="checkbox" id="node-input-allowOverrides" style="display:inline-block;width:auto;vertical-align:top;"> <span data-i18n="common.params.allowOverrides.checkbox"></span></label>`,
    ),
  );
  return `<script type="text/html" data-template-name="${spec.type}">\n${rows.join('\n')}\n</script>`;
}

export function editorHtml(set: NodeSet, words: Words): string {
  const client = `(${q2EditorClient.toString()})(${JSON.stringify(PATTERNS)});`;
  return [
    `<!-- Generated by lib/build/editor.ts from the ${set.namespace} operation descriptions in lib/: do not edit. -->`,
    EDITOR_STYLE,
    `<script type="text/javascript">\n(function () {\n  ${client}\n})();\n</script>`,
    ...nodeSpecs(set).map(
      (spec) => `<script type="text/javascript">\n(function () {\n${registration(set, words, spec)}\n})();\n</script>\n${template(words, spec)}`,
    ),
  ].join('\n\n');
}

function dt(name: string, type: string, optional: boolean, help: string): string {
  return `  <dt${optional ? ' class="optional"' : ''}>${name} <span class="property-type">${type}</span></dt>\n  <dd>${help}</dd>`;
}

/** Where a param goes, per operation when they differ ("create: Sent as … list: Sent in the path."). */
function placement(words: Words, spec: NodeSpec, key: string): string {
  const groups = new Map<string, string[]>();
  for (const op of spec.operations) {
    const p = op.params.find((q) => q.key === key);
    if (!p) continue;
    const where = p.in === 'body' && p.sendOnlyTrue ? 'bodyTrue' : p.in;
    const text = (word(words, `common.where.${where}`) ?? '').replace(/__wire__/g, esc(p.wire ?? p.key));
    if (text) groups.set(text, [...(groups.get(text) ?? []), op.name]);
  }
  if (groups.size <= 1) return [...groups.keys()].join('');
  return [...groups.entries()].map(([text, ops]) => `${ops.map((o) => `<code>${esc(o)}</code>`).join(', ')}: ${text}`).join(' ');
}

function paramHelp(words: Words, set: string, spec: NodeSpec, p: ParamSpec): string {
  const parts = [need(words, paramKey(words, spec, p.key, 'help'), set)];
  const placed = placement(words, spec, p.key);
  if (placed) parts.push(placed);
  if (p.sensitive) parts.push(need(words, 'common.sensitive', set));
  const ops = opsUsing(spec, p.key);
  if (ops && ops.length < spec.operations.length)
    parts.push(need(words, 'common.help.usedBy', set).replace(/__ops__/g, ops.map((o) => `<code>${esc(o)}</code>`).join(', ')));
  return parts.join(' ');
}

function requestLine(op: NodeSpec['operations'][number]): string {
  return `<code>${op.method} {baseUrl}${esc(op.path)}</code>`;
}

/**
 * A resource node's help entry for one operation: its name; what it does and its request; then the label the dialog
 * shows for it (when not the name), the settings and msg.config keys it uses (the required ones marked) and, when it
 * sends one, its body.
 */
function operationHelp(words: Words, ns: string, spec: NodeSpec, op: NodeSpec['operations'][number]): string {
  const c = (key: string) => need(words, `common.help.${key}`, ns);
  const summary = need(words, `${spec.type}.operations.${op.name}.summary`, ns);
  const label = need(words, `${spec.type}.operations.${op.name}.label`, ns);
  const required = (p: ParamSpec) => p.required && p.fallback === undefined && p.default === undefined;
  const params = op.params.map((p) => `<code>${esc(p.key)}</code>${required(p) ? ` (${c('opRequired')})` : ''}`);
  const uses = [
    ...(label === op.name ? [] : [c('opLabel').replace(/__label__/g, esc(label))]),
    params.length ? c('opUses').replace(/__params__/g, params.join(', ')) : c('opUsesNone'),
    ...(op.body ? [c('opBody').replace(/__property__/g, esc(op.body.defaultProperty))] : []),
  ];
  return `  <dt>${esc(op.name)}</dt>\n  <dd>${summary} ${requestLine(op)}</dd>\n  <dd>${uses.join(' ')}</dd>`;
}

function helpFor(set: NodeSet, words: Words, spec: NodeSpec): string {
  const ns = set.namespace;
  const c = (key: string) => need(words, `common.help.${key}`, ns);
  const type = (p: ParamSpec) => need(words, `common.types.${p.type}`, ns);
  const typeOf = (name: string) => need(words, `common.types.${name}`, ns);
  const isToken = spec.operations.some((op) => op.executor === 'token');
  const bearer = set.family.userTokens && spec.operations.some((op) => op.auth === 'connection');
  const inputs: string[] = [];
  const withBody = spec.operations.find((op) => op.body);
  if (withBody?.body) inputs.push(dt(withBody.body.defaultProperty, typeOf('array'), spec.selectable, need(words, `${spec.type}.payload`, ns)));
  inputs.push(dt('config', typeOf('object'), true, c('config')));
  const keys: string[] = [];
  if (spec.selectable) keys.push(dt('config.operation', typeOf('string'), true, c('operation')));
  // required: every operation needs it and nothing fills it when blank (no connection fallback, no default)
  const required = (key: string) =>
    spec.operations.every((op) => op.params.some((p) => p.key === key && p.required && p.fallback === undefined && p.default === undefined));
  keys.push(...nodeParams(spec).map((p) => dt(`config.${p.key}`, type(p), !required(p.key), paramHelp(words, ns, spec, p))));
  if (bearer) keys.push(dt('config.accessToken', typeOf('string'), true, c('accessToken')));
  const outputs = [
    // a node whose answers differ from its family's envelope (Open Banking, GetUsage) says so in its own payloadOut
    dt(
      'payload',
      typeOf('object'),
      false,
      `${isToken ? need(words, `${spec.type}.payload`, ns) : (word(words, `${spec.type}.payloadOut`) ?? c('payloadOut'))} ${c('outputNote')}`,
    ),
    dt('statusCode', 'number', false, c('statusCode')),
    dt('q2', typeOf('object'), false, c('q2')),
  ];
  if (isToken) outputs.push(dt('config.accessToken', typeOf('string'), false, need(words, `${spec.type}.accessTokenOut`, ns)));
  const requests = spec.selectable
    ? `<h4>${c('operations')}</h4>\n<dl class="message-properties">\n${spec.operations.map((op) => operationHelp(words, ns, spec, op)).join('\n')}\n</dl>`
    : `<p>${c('request')}: ${requestLine(spec.operations[0])}</p>`;
  return `<script type="text/html" data-help-name="${spec.type}">
<p>${need(words, `${spec.type}.summary`, ns)}</p>
<h3>${c('inputs')}</h3>
<dl class="message-properties">
${inputs.join('\n')}
</dl>
<h4>${c('configKeys')}</h4>
<dl class="message-properties">
${keys.join('\n')}
</dl>
<h3>${c('outputs')}</h3>
<dl class="message-properties">
${outputs.join('\n')}
</dl>
<h3>${c('details')}</h3>
${need(words, `${spec.type}.details`, ns)}
<p>${c('typedInputs')}</p>
${requests}
<h4>${c('errors')}</h4>
<p>${c('errorsText')}</p>
<p>${c('security')}</p>
</script>`;
}

export function helpHtml(set: NodeSet, words: Words): string {
  return (
    nodeSpecs(set)
      .map((spec) => helpFor(set, words, spec))
      .join('\n\n') + '\n'
  );
}

/**
 * The rows every connection editor shares (allowed origins, timeout, the reliability settings, TLS, proxy),
 * written where a hand-written config editor has the marker `<!-- q2:connection-rows … -->`; labels come from
 * that node's own words (the reliability labels are merged into them from q2-common.json by connectionWords).
 */
export function connectionRows(type: string): string {
  const row = (id: string, inner: string) => `  <div class="form-row"${id ? ` id="${id}"` : ''}>\n    ${inner}\n  </div>`;
  const label = (key: string, icon?: string) =>
    `<label for="node-config-input-${key}">${icon ? `<i class="fa ${icon}"></i> ` : ''}<span data-i18n="${type}.label.${key}"></span></label>`;
  const numberRow = (key: string, icon?: string) => row('', `${label(key, icon)}\n    <input type="text" id="node-config-input-${key}" style="width:80px">`);
  return [
    row(
      '',
      `${label('allowedOrigins')}\n    <input type="text" id="node-config-input-allowedOrigins" style="width:70%" data-i18n="[placeholder]${type}.placeholder.allowedOrigins">`,
    ),
    numberRow('timeout', 'fa-clock-o'),
    ...RELIABILITY_SETTINGS.map((setting) => numberRow(setting.key)),
    row(`${type}-tls-row`, `${label('tls', 'fa-shield')}\n    <input type="text" id="node-config-input-tls">`),
    row('', `${label('proxy', 'fa-globe')}\n    <input type="text" id="node-config-input-proxy">`),
  ].join('\n');
}

/** The editor defaults of the reliability settings: a blank or out-of-range value is marked invalid. */
export function connectionDefaults(indent: string): string {
  return RELIABILITY_SETTINGS.map(
    (s) =>
      `${indent}${s.key}: { value: ${s.default}, validate: function (v) { return v === '' || v === undefined || /^\\$\\{\\S+\\}$/.test(v) || (!isNaN(Number(v)) && Number(v) >= ${s.min} && Number(v) <= ${s.max}); } },`,
  ).join('\n');
}

/** The help of the timeout and reliability settings, and the Reliability section, from q2-common.json's words. */
export function connectionHelp(words: Words): { properties: string; details: string } {
  const text = (key: string): string => {
    const value = word(words, key);
    if (value === undefined) throw new Error(`q2-common.json: connection.${key} is missing`);
    return value;
  };
  const unit = (u: string) => (u === 's' ? 'seconds' : u === 'MB' ? 'MB' : 'number');
  const properties = [
    `  <dt>Timeout <span class="property-type">seconds</span></dt>\n  <dd>${text('help.timeout')}</dd>`,
    ...RELIABILITY_SETTINGS.map(
      (s) => `  <dt class="optional">${text(`label.${s.key}`)} <span class="property-type">${unit(s.unit)}</span></dt>\n  <dd>${text(`help.${s.key}`)}</dd>`,
    ),
  ].join('\n');
  const paragraphs = (words as Record<string, unknown>).reliability;
  if (!Array.isArray(paragraphs)) throw new Error('q2-common.json: connection.reliability is missing');
  const details = [
    `<h4>${text('envTitle')}</h4>\n<p>${text('env')}</p>`,
    `<h4>${text('reliabilityTitle')}</h4>\n${paragraphs.map((p) => `<p>${String(p)}</p>`).join('\n')}`,
  ].join('\n');
  return { properties, details };
}

export function withConnectionRows(type: string, html: string): string {
  return html
    .replace(/^ *<!-- q2:connection-rows[^>]*-->$/m, connectionRows(type))
    .replace(/^( *)\/\/ q2:connection-defaults.*$/m, (_line, indent: string) => `${sharedConnectionDefaults(indent)}\n${connectionDefaults(indent)}`);
}

/** The editor defaults of the settings every connection shares besides reliability: allowed origins, timeout, TLS, proxy. */
function sharedConnectionDefaults(indent: string): string {
  return [
    `allowedOrigins: { value: '' },`,
    // a number of seconds, or a whole-value ${VAR} that Node-RED replaces from the environment at deploy
    `timeout: { value: ${DEFAULT_TIMEOUT_S}, required: true, validate: function (v) { return /^\\$\\{\\S+\\}$/.test(v) || (String(v).trim() !== '' && !isNaN(Number(v)) && Number(v) > 0); } },`,
    `tls: { type: 'tls-config', required: false },`,
    `proxy: { type: 'http proxy', required: false },`,
  ]
    .map((line) => `${indent}${line}`)
    .join('\n');
}

/** A connection's help page with the generated reliability properties and section written in. */
export function withConnectionHelp(html: string, words: Words): string {
  const help = connectionHelp(words);
  return html.replace(/^ *<!-- q2:connection-help[^>]*-->$/m, help.properties).replace(/^ *<!-- q2:reliability-help[^>]*-->$/m, help.details);
}

/** A connection's editor words with the reliability labels (from q2-common.json) added under `<type>.label`. */
export function withConnectionWords(type: string, words: Words, connection: Words): Words {
  const labels = connection.label;
  return merge({ [type]: { label: typeof labels === 'object' && !Array.isArray(labels) ? labels : {} } }, words);
}

function copyDir(from: string, to: string, skip: (name: string) => boolean = () => false): void {
  if (!fs.existsSync(from)) return;
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory() && skip(entry.name)) continue;
    if (entry.isDirectory()) copyDir(src, path.join(to, entry.name), skip);
    else fs.copyFileSync(src, path.join(to, entry.name));
  }
}

/** A locale file of locales/en-US, as words. */
export function readJson(file: string): Words {
  return JSON.parse(fs.readFileSync(path.join(root, 'locales', 'en-US', file), 'utf8')) as Words;
}

function merge(base: Words, over: Words): Words {
  const out: Words = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = typeof value === 'object' && typeof prior === 'object' ? merge(prior, value) : value;
  }
  return out;
}

/**
 * A node set's words: the shared editor words of q2-common.json (as `common`), then the set's own
 * (`<namespace>.json`), then those of its parts, `locales/en-US/<namespace>/*.json` in name order (one file per
 * resource node of a large set, such as the Caliper areas of q2-platform).
 */
export function readWords(namespace: string): Words {
  const shared = readJson('q2-common.json').editor;
  let words = merge({ common: typeof shared === 'object' ? shared : {} }, readJson(`${namespace}.json`));
  const parts = path.join(root, 'locales', 'en-US', namespace);
  if (fs.existsSync(parts)) {
    for (const file of fs
      .readdirSync(parts)
      .filter((f) => f.endsWith('.json'))
      .sort())
      words = merge(words, readJson(path.join(namespace, file)));
  }
  return words;
}

function main(): void {
  fs.mkdirSync(out, { recursive: true });
  copyDir(path.join(root, 'icons'), path.join(out, 'icons'));
  // a node set's word parts (locales/<lang>/<namespace>/) are merged into its catalogue below, not shipped
  const namespaces = new Set(NODE_SETS.map((set) => set.namespace));
  copyDir(path.join(root, 'locales'), path.join(out, 'locales'), (name) => namespaces.has(name));
  const connection = readJson('q2-common.json').connection;
  if (typeof connection !== 'object' || Array.isArray(connection)) throw new Error('q2-common.json: connection is missing');
  for (const file of fs.readdirSync(path.join(root, 'nodes'))) {
    if (!file.endsWith('.html')) continue;
    const type = file.replace(/\.html$/, '');
    const html = fs.readFileSync(path.join(root, 'nodes', file), 'utf8');
    fs.writeFileSync(path.join(out, file), `${EDITOR_STYLE}\n${withEditorConstants(withConnectionRows(type, html))}`);
    if (!html.includes('q2:connection-rows')) continue;
    const localeDir = path.join(out, 'locales', 'en-US');
    fs.writeFileSync(path.join(localeDir, `${type}.json`), `${JSON.stringify(withConnectionWords(type, readJson(`${type}.json`), connection), null, 2)}\n`);
    const help = fs.readFileSync(path.join(root, 'locales', 'en-US', `${type}.html`), 'utf8');
    // the help names the settings as the dialog labels them: a connection's own label wins over the shared one
    const own = readJson(`${type}.json`)[type];
    const labels = typeof own === 'object' && typeof own.label === 'object' ? own.label : {};
    fs.writeFileSync(path.join(localeDir, `${type}.html`), withConnectionHelp(help, merge(connection, { label: labels })));
  }
  for (const set of NODE_SETS) {
    const words = readWords(set.namespace);
    fs.writeFileSync(path.join(out, 'locales', 'en-US', `${set.namespace}.json`), `${JSON.stringify(words, null, 2)}\n`);
    fs.writeFileSync(path.join(out, `${set.namespace}.html`), editorHtml(set, words));
    fs.writeFileSync(path.join(out, 'locales', 'en-US', `${set.namespace}.html`), helpHtml(set, words));
  }
  writeRuntimeWords();
}

/**
 * The sections of q2-common.json that only the build and the editor read: `editor` (merged into each node set's words
 * as `common`) and `connection` (the connection dialogs' rows and help). The others are runtime texts (lib/i18n.ts).
 */
const EDITOR_ONLY_SECTIONS = ['editor', 'connection'];

/** A language's runtime texts: its q2-common.json without the editor-only sections. */
export function runtimeWords(common: Words): Words {
  return Object.fromEntries(Object.entries(common).filter(([section]) => !EDITOR_ONLY_SECTIONS.includes(section)));
}

/**
 * A node file's words with the runtime texts added at the top level, where its scoped `RED._('status.ok')` finds them.
 * A section name the file already uses would change what the editor reads: that fails the build.
 */
export function withRuntimeWords(file: string, words: Words, runtime: Words): Words {
  const clash = Object.keys(runtime).filter((section) => section in words);
  if (clash.length) throw new Error(`locales: ${file}.json has top-level ${clash.join(', ')}, the name of a q2-common.json runtime section`);
  return { ...words, ...runtime };
}

/**
 * For every language with a q2-common.json (locales/<lang>/), its runtime texts merged into the catalogue of every
 * node file (dist/nodes/locales/<lang>/<file>.json, which Node-RED loads for dist/nodes/<file>.js). A node file
 * without words of its own in that language gets the runtime texts alone; the rest falls back to en-US.
 */
function writeRuntimeWords(): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
  const files = Object.values(pkg['node-red'].nodes).map((file) => path.basename(file, '.js'));
  for (const lang of fs.readdirSync(path.join(root, 'locales'))) {
    const common = path.join(root, 'locales', lang, 'q2-common.json');
    if (!fs.existsSync(common)) continue;
    const runtime = runtimeWords(JSON.parse(fs.readFileSync(common, 'utf8')) as Words);
    const dir = path.join(out, 'locales', lang);
    for (const file of files) {
      const target = path.join(dir, `${file}.json`);
      // written (or copied from locales/) by this build when the source has the file; otherwise a stale output
      const words = fs.existsSync(path.join(root, 'locales', lang, `${file}.json`)) ? (JSON.parse(fs.readFileSync(target, 'utf8')) as Words) : {};
      fs.writeFileSync(target, `${JSON.stringify(withRuntimeWords(file, words, runtime), null, 2)}\n`);
    }
  }
}

if (require.main === module) main();
