/**
 * Build step: derives each node set's editor file (`<set>.html`: registerType with literal defaults and
 * the edit panel) and help file (`locales/en-US/<set>.html`) from the OperationSpecs and their words,
 * then copies icons, locales and hand-written editor files beside the compiled nodes (the layout the
 * Node-RED loader requires: dist/nodes/{*.js,*.html,icons/,locales/}).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OperationSpec, ParamSpec } from '../operation';
import { platformNodeSet } from '../platform/node-set';
import type { NodeSet } from '../q2-request';
import { q2EditorClient } from './editor-client';

const root = path.resolve(__dirname, '..', '..', '..');
const out = path.join(root, 'dist', 'nodes');

type Words = { [key: string]: string | Words };

export const NODE_SETS: readonly NodeSet[] = [platformNodeSet];

function word(words: Words, key: string): string | undefined {
  let node: string | Words | undefined = words;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

/** The words key for a param: the node's own, else the set's common one. */
function paramKey(words: Words, op: OperationSpec, key: string, leaf: string): string {
  const own = `${op.type}.params.${key}.${leaf}`;
  return word(words, own) !== undefined ? own : `common.params.${key}.${leaf}`;
}

function need(words: Words, key: string, set: string): string {
  const text = word(words, key);
  if (text === undefined) throw new Error(`locales/en-US/${set}.json has no "${key}"`);
  return text;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const validated: Partial<Record<ParamSpec['type'], string>> = { id: 'id', url: 'url', list: 'list' };

function defaultsFor(set: NodeSet, op: OperationSpec): string {
  const lines = [
    `name: { value: '' }`,
    `connection: { value: '', type: '${set.connectionType}', required: true }`,
    `allowOverrides: { value: true }`,
  ];
  for (const p of op.params) {
    if (p.sensitive) continue;
    const kind = validated[p.type];
    const value = p.type === 'boolean' ? 'false' : "''";
    lines.push(kind ? `${p.key}: { value: ${value}, validate: function (v) { return Q2Editor.valid('${kind}', v); } }` : `${p.key}: { value: ${value} }`);
  }
  if (op.body) lines.push(`dataProperty: { value: '${op.body.defaultProperty}', required: true }`);
  return lines.map((l) => `      ${l}`).join(',\n');
}

function credentialsFor(op: OperationSpec): string {
  return op.params
    .filter((p) => p.sensitive)
    .map((p) => `      ${p.key}: { type: 'password' }`)
    .join(',\n');
}

function registration(set: NodeSet, op: OperationSpec): string {
  const label = `${op.type}.paletteLabel`;
  return `  RED.nodes.registerType('${op.type}', {
    category: '${set.category}',
    color: '${set.color}',
    defaults: {
${defaultsFor(set, op)}
    },
    credentials: {
${credentialsFor(op)}
    },
    inputs: 1,
    outputs: 1,
    icon: '${op.icon}',
    paletteLabel: function () { return this._('${label}'); },
    label: function () { return this.name || this._('${label}'); },
    labelStyle: function () { return this.name ? 'node_label_italic' : ''; },
    oneditprepare: function () { Q2Editor.prepare({ dataProperty: ${op.body ? 'true' : 'false'} }); }
  });`;
}

function row(inner: string): string {
  return `  <div class="form-row">\n    ${inner}\n  </div>`;
}

function paramRow(words: Words, op: OperationSpec, p: ParamSpec): string {
  const id = `node-input-${p.key}`;
  const label = `<label for="${id}"><span data-i18n="${paramKey(words, op, p.key, 'label')}"></span></label>`;
  if (p.type === 'boolean') {
    return row(
      `<label>&nbsp;</label><label for="${id}" style="width:auto"><input type="checkbox" id="${id}" style="display:inline-block;width:auto;vertical-align:top;"> <span data-i18n="${paramKey(words, op, p.key, 'checkbox')}"></span></label>`,
    );
  }
  if (p.type === 'enum') {
    const options = [`<option value="" data-i18n="${paramKey(words, op, p.key, 'blank')}"></option>`, ...(p.enum ?? []).map((v) => `<option value="${esc(v)}">${esc(v)}</option>`)];
    return row(`${label}\n    <select id="${id}" style="width:70%">${options.join('')}</select>`);
  }
  const placeholder = word(words, paramKey(words, op, p.key, 'placeholder')) !== undefined ? ` data-i18n="[placeholder]${paramKey(words, op, p.key, 'placeholder')}"` : '';
  return row(`${label}\n    <input type="${p.sensitive ? 'password' : 'text'}" id="${id}" style="width:70%"${placeholder}>`);
}

function template(words: Words, op: OperationSpec): string {
  const rows = [
    row(`<label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="common.params.name.label"></span></label>\n    <input type="text" id="node-input-name">`),
    row(`<label for="node-input-connection"><i class="fa fa-server"></i> <span data-i18n="common.params.connection.label"></span></label>\n    <input type="text" id="node-input-connection">`),
    ...op.params.map((p) => paramRow(words, op, p)),
  ];
  if (op.body) {
    rows.push(
      row(
        `<label for="node-input-dataProperty"><i class="fa fa-sign-in"></i> <span data-i18n="common.params.dataProperty.label"></span></label>\n    <input type="text" id="node-input-dataProperty" style="width:70%">`,
      ),
    );
  }
  rows.push(
    row(
      `<label>&nbsp;</label><label for="node-input-allowOverrides" style="width:auto"><input type="checkbox" id="node-input-allowOverrides" style="display:inline-block;width:auto;vertical-align:top;"> <span data-i18n="common.params.allowOverrides.checkbox"></span></label>`,
    ),
  );
  return `<script type="text/html" data-template-name="${op.type}">\n${rows.join('\n')}\n</script>`;
}

export function editorHtml(set: NodeSet, words: Words): string {
  const client = `(${q2EditorClient.toString()})();`;
  return [
    `<!-- Generated by lib/build/editor.ts from lib/${set.namespace.replace(/^q2-/, '')}/operations.ts: do not edit. -->`,
    `<script type="text/javascript">\n(function () {\n  ${client}\n})();\n</script>`,
    ...set.operations.map((op) => `<script type="text/javascript">\n(function () {\n${registration(set, op)}\n})();\n</script>\n${template(words, op)}`),
  ].join('\n\n');
}

function dt(name: string, type: string, optional: boolean, help: string): string {
  return `  <dt${optional ? ' class="optional"' : ''}>${name} <span class="property-type">${type}</span></dt>\n  <dd>${help}</dd>`;
}

function paramHelp(words: Words, set: string, op: OperationSpec, p: ParamSpec): string {
  const parts = [need(words, paramKey(words, op, p.key, 'help'), set)];
  const where = p.in === 'body' && p.sendOnlyTrue ? 'bodyTrue' : p.in;
  const placed = word(words, `common.where.${where}`) ?? '';
  if (placed) parts.push(placed.replace(/__wire__/g, esc(p.wire ?? p.key)));
  if (p.sensitive) parts.push(need(words, 'common.sensitive', set));
  return parts.join(' ');
}

function helpFor(set: NodeSet, words: Words, op: OperationSpec): string {
  const ns = set.namespace;
  const c = (key: string) => need(words, `common.help.${key}`, ns);
  const type = (p: ParamSpec) => need(words, `common.types.${p.type}`, ns);
  const inputs: string[] = [];
  if (op.body) inputs.push(dt(op.body.defaultProperty, need(words, 'common.types.array', ns), false, need(words, `${op.type}.payload`, ns)));
  inputs.push(dt('config', need(words, 'common.types.object', ns), true, c('config')));
  const keys = op.params.map((p) => dt(`config.${p.key}`, type(p), !p.required, paramHelp(words, ns, op, p)));
  if (op.auth === 'bearer') keys.push(dt('config.accessToken', need(words, 'common.types.string', ns), true, c('accessToken')));
  const outputs = [
    dt('payload', need(words, 'common.types.object', ns), false, op.executor === 'token' ? need(words, `${op.type}.payload`, ns) : c('payloadOut')),
    dt('statusCode', 'number', false, c('statusCode')),
    dt('q2', need(words, 'common.types.object', ns), false, c('q2')),
  ];
  if (op.executor === 'token') outputs.push(dt('config.accessToken', need(words, 'common.types.string', ns), false, need(words, `${op.type}.accessTokenOut`, ns)));
  const request = `<code>${op.method} {baseUrl}${esc(op.path)}</code>`;
  return `<script type="text/html" data-help-name="${op.type}">
<p>${need(words, `${op.type}.summary`, ns)}</p>
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
${need(words, `${op.type}.details`, ns)}
<p>${c('request')}: ${request}</p>
<h4>${c('errors')}</h4>
<p>${c('errorsText')}</p>
<p>${c('security')}</p>
</script>`;
}

export function helpHtml(set: NodeSet, words: Words): string {
  return set.operations.map((op) => helpFor(set, words, op)).join('\n\n') + '\n';
}

function copyDir(from: string, to: string): void {
  if (!fs.existsSync(from)) return;
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) copyDir(src, path.join(to, entry.name));
    else fs.copyFileSync(src, path.join(to, entry.name));
  }
}

export function readWords(namespace: string): Words {
  return JSON.parse(fs.readFileSync(path.join(root, 'locales', 'en-US', `${namespace}.json`), 'utf8')) as Words;
}

function main(): void {
  fs.mkdirSync(out, { recursive: true });
  copyDir(path.join(root, 'icons'), path.join(out, 'icons'));
  copyDir(path.join(root, 'locales'), path.join(out, 'locales'));
  for (const file of fs.readdirSync(path.join(root, 'nodes'))) {
    if (file.endsWith('.html')) fs.copyFileSync(path.join(root, 'nodes', file), path.join(out, file));
  }
  for (const set of NODE_SETS) {
    const words = readWords(set.namespace);
    fs.writeFileSync(path.join(out, `${set.namespace}.html`), editorHtml(set, words));
    fs.writeFileSync(path.join(out, 'locales', 'en-US', `${set.namespace}.html`), helpHtml(set, words));
  }
}

if (require.main === module) main();
