/**
 * Unit tests of the editor and help generator (lib/build/editor.ts), pure: no Node-RED runtime, no files read
 * (except by readWords itself, in the one test of the shipped Platform help page).
 *
 * A small fictional node set is built here: one operation node (`zz-ping`) and one resource node (`zz-widget`, two
 * operations), with params of every ParamType (string, id, boolean, enum, url, list) and every place (path, query,
 * body, form, setting), a sensitive one, ones that fall back to a connection default or have a default, an enum, a
 * boolean sent only when true and a string with a pattern. Its words are built here in the shape readWords returns
 * (`common` = q2-common.json's `editor` words, then the set's own, keyed by node type).
 *
 * editorHtml's scripts are run in a vm context with a fake `RED.nodes.registerType` (and the embedded Q2Editor
 * client), so the defaults, credentials and validators are checked as the editor would see them; the edit panel's
 * rows are read from the templates and shown/hidden by the client's own `prepare` with a small fake jQuery.
 */
import assert from 'node:assert/strict';
import vm from 'node:vm';
import {
  connectionDefaults,
  connectionHelp,
  connectionRows,
  EDITOR_STYLE,
  editorHtml,
  helpHtml,
  readWords,
  withConnectionHelp,
  withConnectionRows,
  withConnectionWords,
  withEditorConstants,
} from '../lib/build/editor';
import { BILLER_DIRECT_HOSTS } from '../lib/billerdirect/connection';
import { PATTERNS } from '../lib/request/validate';
import type { NodeSet } from '../lib/model/node-set';
import type { OperationSpec, ResourceSpec } from '../lib/model/operation';
import { RELIABILITY_SETTINGS } from '../lib/connection/reliability';
import { platformFamily } from '../lib/platform/envelope';
import { platformNodeSet } from '../lib/platform/node-set';

type Words = Parameters<typeof helpHtml>[1];

// ---- the fictional node set ----------------------------------------------------------------------------------

const ping: OperationSpec = {
  type: 'zz-ping',
  icon: 'font-awesome/fa-bell',
  method: 'POST',
  path: '/{apiVersion}/Ping/{pingId}',
  auth: 'connection',
  params: [
    // setting, url, required but falls back to the connection: not required in the help
    { key: 'baseUrl', in: 'setting', type: 'url', required: true, fallback: 'baseUrl' },
    // setting, enum, required but with a fallback and a default
    { key: 'apiVersion', in: 'setting', type: 'enum', enum: ['v1', 'v2'], required: true, fallback: 'apiVersion', default: 'v2' },
    // path, id, required with neither: required in the help
    { key: 'pingId', in: 'path', type: 'id', required: true },
    // query, list, with a wire name
    { key: 'fields', in: 'query', wire: 'field_list', type: 'list' },
    // query, enum, required but with a default only
    { key: 'mode', in: 'query', type: 'enum', enum: ['fast', 'slow'], required: true, default: 'fast' },
    // body, string, sensitive, required
    { key: 'secret', in: 'body', wire: 'Secret', type: 'string', required: true, sensitive: true },
    // body, boolean sent only when true
    { key: 'loud', in: 'body', wire: 'Loud', type: 'boolean', sendOnlyTrue: true },
    // form, string, required but falls back to the connection's scope
    { key: 'scope', in: 'form', type: 'string', required: true, fallback: 'scope' },
  ],
  body: { defaultProperty: 'payload', schema: { type: 'object' } },
};

const widget: ResourceSpec = {
  type: 'zz-widget',
  icon: 'zz-widget.svg',
  operations: [
    {
      name: 'make',
      method: 'POST',
      path: '/{tenant}/widgets',
      auth: 'connection',
      params: [
        { key: 'tenant', in: 'path', type: 'string', required: true },
        // string with a pattern, in the body
        { key: 'label', in: 'body', type: 'string', pattern: '^.{1,10}$', patternHint: 'hint.max50' },
        // in the body here, in the query for fetch
        { key: 'ownerId', in: 'body', type: 'id' },
      ],
      body: { defaultProperty: 'data', schema: { type: 'object' } },
    },
    {
      name: 'fetch',
      method: 'GET',
      path: '/{tenant}/widgets/{widgetId}',
      auth: 'connection',
      params: [
        { key: 'tenant', in: 'path', type: 'string', required: true },
        // required by fetch only: not required by the node as a whole
        { key: 'widgetId', in: 'path', type: 'id', required: true },
        { key: 'ownerId', in: 'query', wire: 'owner_id', type: 'id' },
        { key: 'pin', in: 'query', type: 'string', sensitive: true },
      ],
    },
  ],
};

const SET: NodeSet = {
  namespace: 'zz-fictional',
  category: 'ZZ_Fictional',
  color: '#123456',
  connectionType: 'zz-config',
  family: platformFamily, // userTokens: msg.config.accessToken is listed
  operations: [ping],
  resources: [widget],
};

/** What readWords would return for the fictional set: q2-common.json's editor words as `common`, then the set's own. */
const WORDS: Words = {
  common: {
    params: {
      name: { label: 'Name' },
      connection: { label: 'Connection', help: 'The connection.' },
      allowOverrides: { label: 'Overrides', checkbox: 'Accept msg.config overrides', help: 'Overrides help.' },
      dataProperty: { label: 'Data property', help: 'Where the body is.' },
      outputProperty: { label: 'Output', help: 'Where the result goes.' },
      operation: { label: 'Operation', help: 'Which request.' },
      baseUrl: { label: 'Base URL', placeholder: 'from the connection', help: 'COMMON-BASEURL-HELP.' },
      apiVersion: { label: 'API version', blank: 'from the connection', help: 'COMMON-APIVERSION-HELP.' },
    },
    help: {
      inputs: 'INPUTS',
      outputs: 'OUTPUTS',
      details: 'DETAILS',
      configKeys: 'CONFIG-KEYS',
      errors: 'ERRORS',
      request: 'REQUEST',
      config: 'CONFIG-HELP',
      statusCode: 'STATUS-HELP',
      operations: 'OPERATIONS',
      operation: 'OPERATION-HELP',
      usedBy: 'Used by __ops__.',
      opLabel: 'LABEL “__label__”.',
      opUses: 'USES __params__.',
      opUsesNone: 'NO-PARAMS.',
      opRequired: 'REQUIRED',
      opBody: 'BODY <code>msg.__property__</code>.',
      payloadOut: 'PAYLOAD-OUT',
      q2: 'Q2-HELP',
      accessToken: 'ACCESS-TOKEN-HELP',
      errorsText: 'ERRORS-TEXT',
      security: 'SECURITY-TEXT',
      outputNote: 'OUTPUT-NOTE',
      typedInputs: 'TYPED-INPUTS',
    },
    typed: { enum: 'VALUE' },
    types: {
      string: 'string',
      id: 'number | string',
      boolean: 'boolean',
      enum: 'string',
      url: 'string',
      list: 'string | array',
      object: 'object',
      array: 'array | object',
    },
    where: {
      path: 'Sent in the path.',
      query: 'Sent as the query parameter <code>__wire__</code>.',
      body: 'Sent as <code>__wire__</code> in the JSON body.',
      bodyTrue: 'Sent as <code>__wire__: true</code> in the JSON body, only when true.',
      form: 'Sent as the form field <code>__wire__</code>.',
      setting: '',
    },
    sensitive: 'SENSITIVE-NOTE.',
  },
  'zz-ping': {
    paletteLabel: 'ZZ Ping',
    summary: 'PING-SUMMARY',
    details: '<p>PING-DETAILS</p>',
    payload: 'PING-PAYLOAD',
    params: {
      // the node's own words win over common.params.baseUrl
      baseUrl: { label: 'Ping base URL', help: 'PING-BASEURL-HELP.' },
      pingId: { label: 'Ping ID', placeholder: 'e.g. 42', help: 'PING-ID-HELP.' },
      fields: { label: 'Fields', help: 'FIELDS-HELP.' },
      mode: { label: 'Mode', blank: 'fast (default)', help: 'MODE-HELP.' },
      secret: { label: 'Secret', help: 'SECRET-HELP.' },
      loud: { label: 'Loud', help: 'LOUD-HELP.' },
      scope: { label: 'Scope', help: 'SCOPE-HELP.' },
    },
  },
  'zz-widget': {
    paletteLabel: 'ZZ Widget',
    summary: 'WIDGET-SUMMARY',
    details: '<p>WIDGET-DETAILS</p>',
    payload: 'WIDGET-PAYLOAD',
    // a node whose answers differ from its family's envelope describes its own
    payloadOut: 'WIDGET-OUT',
    operations: {
      make: { label: 'make a widget', summary: 'MAKE-SUMMARY' },
      fetch: { label: 'fetch a widget', summary: 'FETCH-SUMMARY' },
    },
    params: {
      tenant: { label: 'Tenant', help: 'TENANT-HELP.' },
      label: { label: 'Label', help: 'LABEL-HELP.' },
      ownerId: { label: 'Owner', help: 'OWNER-HELP.' },
      widgetId: { label: 'Widget ID', help: 'WIDGET-ID-HELP.' },
      pin: { label: 'PIN', help: 'PIN-HELP.' },
    },
  },
};

// ---- reading the generated editor ----------------------------------------------------------------------------

interface Validated {
  value: unknown;
  type?: string;
  required?: boolean;
  validate?: (this: unknown, v: unknown) => boolean;
}
interface NodeDefinition {
  category: string;
  color: string;
  defaults: Record<string, Validated>;
  credentials: Record<string, { type: string }>;
  inputs: number;
  outputs: number;
  icon: string;
  paletteLabel: (this: { _: (key: string) => string }) => string;
  label: (this: { name?: string; _: (key: string) => string }) => string;
  oneditprepare: (this: { _: (key: string) => string }) => void;
}

/** A fake element of the edit panel: a form row (or the operation select / data property input). */
interface FakeElement {
  attrs: Record<string, string>;
  visible: boolean;
  value?: string;
  handlers: Array<() => void>;
  typedInput?: unknown;
}

/** A minimal jQuery for Q2Editor.prepare: `$('#id')`, `$('.q2-op-row')`, `$(element)`. */
function fakeJQuery(byId: Map<string, FakeElement>, opRows: FakeElement[]) {
  const wrap = (els: FakeElement[]) => ({
    length: els.length,
    typedInput(options: unknown) {
      for (const e of els) e.typedInput = options;
      return this;
    },
    on(_event: string, handler: () => void) {
      for (const e of els) e.handlers.push(handler);
      return this;
    },
    val(value?: string) {
      if (value === undefined) return els[0]?.value;
      for (const e of els) e.value = value;
      return this;
    },
    each(fn: (this: { getAttribute(name: string): string | null }) => void) {
      for (const e of els) fn.call({ getAttribute: (name: string) => e.attrs[name] ?? null, __el: e } as { getAttribute(name: string): string | null });
      return this;
    },
    toggle(show: boolean) {
      for (const e of els) e.visible = show;
      return this;
    },
  });
  return (selector: string | { __el?: FakeElement }) => {
    if (typeof selector !== 'string') return wrap(selector.__el ? [selector.__el] : []);
    if (selector === '.q2-op-row') return wrap(opRows);
    if (selector.startsWith('#')) {
      const el = byId.get(selector.slice(1));
      return wrap(el ? [el] : []);
    }
    return wrap([]);
  };
}

interface Row {
  /** the node-input-… id of its input or select */
  id: string;
  /** data-ops of an operation row, undefined for a row every operation shows */
  ops?: string[];
  html: string;
}

interface Editor {
  defs: Map<string, NodeDefinition>;
  templates: Map<string, string>;
  context: vm.Context;
}

function loadEditor(html: string): Editor {
  const defs = new Map<string, NodeDefinition>();
  const context = vm.createContext({
    RED: { nodes: { registerType: (type: string, def: NodeDefinition) => defs.set(type, def) } },
  });
  for (const m of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInContext(m[1], context);
  const templates = new Map<string, string>();
  for (const m of html.matchAll(/<script type="text\/html" data-template-name="([^"]+)">([\s\S]*?)<\/script>/g)) templates.set(m[1], m[2]);
  return { defs, templates, context };
}

function rowsOf(template: string): Row[] {
  const rows: Row[] = [];
  for (const m of template.matchAll(/<div class="form-row(?: q2-op-row)?"(?: data-ops="([^"]*)")?>([\s\S]*?)\n {2}<\/div>/g)) {
    const id = /<(?:input|select)[^>]* id="node-input-([^"]+)"/.exec(m[2])?.[1];
    assert.ok(id, `a row with an input: ${m[2]}`);
    rows.push({ id, ops: m[1] === undefined ? undefined : m[1].split(' '), html: m[2] });
  }
  return rows;
}

function rowOf(rows: Row[], id: string): Row {
  const row = rows.find((r) => r.id === id);
  assert.ok(row, `a row for ${id}`);
  return row;
}

/** An object made in the vm context, as a plain object of this realm (deepStrictEqual compares prototypes). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function def(editor: Editor, type: string): NodeDefinition {
  const d = editor.defs.get(type);
  assert.ok(d, `${type} is registered`);
  return d;
}

// ---- reading the generated help ------------------------------------------------------------------------------

interface Property {
  name: string;
  type: string;
  optional: boolean;
  help: string;
}

function helpOf(html: string, type: string): string {
  const m = new RegExp(`<script type="text/html" data-help-name="${type}">([\\s\\S]*?)</script>`).exec(html);
  assert.ok(m, `a help page for ${type}`);
  return m[1];
}

/** The properties of the `<dl>` that follows `heading` (h3 or h4 text). */
function section(help: string, heading: string): Property[] {
  const start = help.search(new RegExp(`<h[34]>${heading}</h[34]>`));
  assert.ok(start >= 0, `a ${heading} section`);
  const dl = /<dl class="message-properties">([\s\S]*?)<\/dl>/.exec(help.slice(start));
  assert.ok(dl, `${heading} has a property list`);
  return [...dl[1].matchAll(/<dt( class="optional")?>(\S+) <span class="property-type">([^<]*)<\/span><\/dt>\n {2}<dd>([\s\S]*?)<\/dd>/g)].map((p) => ({
    name: p[2],
    optional: p[1] !== undefined,
    type: p[3],
    help: p[4],
  }));
}

function prop(list: Property[], name: string): Property {
  const found = list.filter((p) => p.name === name);
  assert.equal(found.length, 1, `${name} is listed once (found ${found.length})`);
  return found[0];
}

// ---- the tests -----------------------------------------------------------------------------------------------

describe('editor build (lib/build/editor.ts): the generated editor and help of a fictional node set', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  before(() => process.on('unhandledRejection', onRejection));
  after(() => process.off('unhandledRejection', onRejection));
  afterEach(() => assert.deepEqual(rejections, [], 'an unhandled promise rejection escaped'));

  describe('editorHtml', () => {
    const html = editorHtml(SET, WORDS);
    const editor = loadEditor(html);

    it('registers each node type once, with the set’s category, colour, icon, one input and one output; a resource node’s canvas label names its operation', () => {
      assert.deepEqual([...editor.defs.keys()], ['zz-ping', 'zz-widget']);
      assert.equal((html.match(/registerType\('zz-ping'/g) ?? []).length, 1);
      assert.equal((html.match(/registerType\('zz-widget'/g) ?? []).length, 1);
      for (const [type, icon] of [
        ['zz-ping', 'font-awesome/fa-bell'],
        ['zz-widget', 'zz-widget.svg'],
      ]) {
        const d = def(editor, type);
        assert.deepEqual([d.category, d.color, d.icon, d.inputs, d.outputs], ['ZZ_Fictional', '#123456', icon, 1, 1], type);
        const i18n = { _: (key: string) => `T(${key})` };
        assert.equal(d.paletteLabel.call(i18n), `T(${type}.paletteLabel)`);
        assert.equal(d.label.call({ ...i18n }), `T(${type}.paletteLabel)`);
        assert.equal(d.label.call({ ...i18n, name: 'mine' }), 'mine');
      }
      // on the canvas a resource node names its operation, so that nodes of one type read differently
      const label = def(editor, 'zz-widget').label as (this: { name?: string; operation?: string; _: (key: string) => string }) => string;
      const i18n = { _: (key: string) => `T(${key})` };
      assert.equal(label.call({ ...i18n, operation: 'fetch' }), 'T(zz-widget.paletteLabel): T(zz-widget.operations.fetch.label)');
      assert.equal(label.call({ ...i18n, operation: 'nope' }), 'T(zz-widget.paletteLabel)', 'an unknown operation: the palette label');
      assert.equal(label.call({ ...i18n, name: 'mine', operation: 'fetch' }), 'mine', 'a name wins');
      const ping = def(editor, 'zz-ping').label as (this: { operation?: string; _: (key: string) => string }) => string;
      assert.equal(ping.call({ ...i18n, operation: 'fetch' }), 'T(zz-ping.paletteLabel)', 'an operation node has no operation');
      assert.deepEqual([...editor.templates.keys()], ['zz-ping', 'zz-widget'], 'one edit template per node type');
    });

    it('carries the style of the pack’s dialogs (a label column wide enough for one-line labels), scoped to forms showing the pack’s words', () => {
      assert.ok(html.includes(EDITOR_STYLE));
      assert.match(EDITOR_STYLE, /^<style>\n {2}form:has\(span\[data-i18n\^="@q2-nodes\/node-red-q2\/"\]\) \.form-row > label \{ width: \d+px; \}\n<\/style>$/);
    });

    it('defaults: name, the connection (required, of the set’s connection type), overrides, and one per non-sensitive param', () => {
      const d = def(editor, 'zz-ping').defaults;
      assert.deepEqual(
        Object.keys(d).sort(),
        [
          'allowOverrides',
          'connection',
          'dataProperty',
          'name',
          'outputProperty',
          ...['apiVersion', 'baseUrl', 'fields', 'loud', 'mode', 'pingId', 'scope'].flatMap((k) => [k, `${k}Type`]),
        ].sort(),
      );
      assert.deepEqual(
        { value: d.connection.value, type: d.connection.type, required: d.connection.required },
        { value: '', type: 'zz-config', required: true },
      );
      assert.equal(d.allowOverrides.value, true);
      assert.equal(d.loud.value, '', 'a boolean defaults to blank: not sent');
      for (const key of ['baseUrl', 'apiVersion', 'pingId', 'fields', 'mode', 'scope']) assert.equal(d[key].value, '', `${key} defaults to blank`);
      assert.deepEqual({ value: d.dataProperty.value, required: d.dataProperty.required }, { value: 'payload', required: true });
      // each param is a TypedInput whose type starts literal: str (num for an id), a list for an enum and for a
      // boolean (blank: not sent, true, false)
      assert.deepEqual(
        ['baseUrl', 'apiVersion', 'pingId', 'fields', 'mode', 'scope', 'loud'].map((k) => d[`${k}Type`].value),
        ['str', 'q2-enum', 'str', 'str', 'q2-enum', 'str', 'q2-enum'],
      );
      // the output property: msg.payload by default, not required (a node saved before it existed has none)
      assert.deepEqual({ value: d.outputProperty.value, required: d.outputProperty.required }, { value: 'payload', required: undefined });
      // a blank node value is allowed (msg.config or the connection fills it): no param is required in the editor
      for (const key of ['baseUrl', 'apiVersion', 'pingId', 'fields', 'mode', 'scope', 'loud'])
        assert.equal(d[key].required, undefined, `${key} is not required in the editor`);

      const w = def(editor, 'zz-widget').defaults;
      assert.deepEqual(
        Object.keys(w).sort(),
        [
          'allowOverrides',
          'connection',
          'dataProperty',
          'name',
          'operation',
          'outputProperty',
          ...['label', 'ownerId', 'tenant', 'widgetId'].flatMap((k) => [k, `${k}Type`]),
        ].sort(),
      );
      assert.deepEqual({ value: w.operation.value, required: w.operation.required }, { value: 'make', required: true }, 'the first operation is the default');
      assert.deepEqual(
        { value: w.dataProperty.value, required: w.dataProperty.required },
        { value: 'data', required: true },
        'the body operation’s data property',
      );
    });

    it('sensitive params are password credentials, not defaults, and their inputs are password fields', () => {
      assert.deepEqual(plain(def(editor, 'zz-ping').credentials), { secret: { type: 'password' } });
      assert.deepEqual(plain(def(editor, 'zz-widget').credentials), { pin: { type: 'password' } });
      assert.equal(def(editor, 'zz-ping').defaults.secret, undefined);
      assert.equal(def(editor, 'zz-widget').defaults.pin, undefined);
      const pingRows = rowsOf(editor.templates.get('zz-ping') ?? '');
      assert.match(rowOf(pingRows, 'secret').html, /<input type="password" id="node-input-secret"/);
      assert.match(rowOf(pingRows, 'pingId').html, /<input type="text" id="node-input-pingId"/);
      assert.match(rowOf(rowsOf(editor.templates.get('zz-widget') ?? ''), 'pin').html, /<input type="password" id="node-input-pin"/);
    });

    it('validators: id, url and list params are checked by Q2Editor.valid (blank and ${ENV} allowed); string, enum, boolean are not', () => {
      const d = def(editor, 'zz-ping').defaults;
      const check = (key: string, value: string) => {
        const validate = d[key].validate;
        assert.ok(validate, `${key} has a validator`);
        return validate(value);
      };
      assert.deepEqual(
        ['', '${PING}', '42', '0', 'abc', '4 2'].map((v) => check('pingId', v)),
        [true, true, true, false, false, false],
        'id',
      );
      assert.deepEqual(
        ['', 'https://q2.example', 'http://h:8870/x', 'ftp://h', 'q2.example'].map((v) => check('baseUrl', v)),
        [true, true, true, false, false],
        'url',
      );
      assert.deepEqual(
        ['', 'a', 'a,b', 'a, b', 'a,'].map((v) => check('fields', v)),
        [true, true, true, false, false],
        'list',
      );
      for (const key of ['apiVersion', 'mode', 'loud', 'scope']) assert.equal(check(key, 'anything'), true, `${key}: no shape checked in the editor`);
      // a string with a pattern is checked at run time (lib/request/validate.ts), not by the editor
      assert.equal(def(editor, 'zz-widget').defaults.label.validate?.('x'.repeat(60)), true);
      assert.ok(def(editor, 'zz-widget').defaults.ownerId.validate?.('7'));
      assert.equal(def(editor, 'zz-widget').defaults.ownerId.validate?.('x7'), false);
      // the shape is a literal's only: a value read from elsewhere is checked as Node-RED checks its type
      const pingId = d.pingId.validate;
      assert.ok(pingId);
      assert.equal(pingId.call({ pingIdType: 'num' }, 'abc'), false, 'num: the id shape');
      assert.equal(pingId.call({ pingIdType: 'flow' }, 'abc'), true, 'flow: a context key');
      assert.equal(pingId.call({ pingIdType: 'jsonata' }, '$x + 1'), true, 'jsonata');
      editor.context.RED = {
        ...(editor.context.RED as object),
        utils: { validateTypedProperty: (v: unknown, type: string) => type !== 'msg' || v !== 'bad path' },
      };
      assert.equal(pingId.call({ pingIdType: 'msg' }, 'bad path'), false, "msg: Node-RED's own check");
      assert.equal(pingId.call({ pingIdType: 'msg' }, 'req.id'), true);
      // the output and data properties are message paths
      editor.context.RED = { ...(editor.context.RED as object), utils: { validatePropertyExpression: (v: string) => !v.includes(' ') } };
      assert.equal(d.outputProperty.validate?.('result.body'), true);
      assert.equal(d.outputProperty.validate?.('bad path'), false);
      assert.equal(d.outputProperty.validate?.(''), true, 'blank: msg.payload');
      assert.equal(d.dataProperty.validate?.('bad path'), false);
    });

    it('the operation node: one row per param (a TypedInput with a hidden type field), labels from its own words or common, the data and output properties', () => {
      const rows = rowsOf(editor.templates.get('zz-ping') ?? '');
      assert.deepEqual(
        rows.map((r) => r.id),
        [
          'name',
          'connection',
          'baseUrl',
          'apiVersion',
          'pingId',
          'fields',
          'mode',
          'secret',
          'loud',
          'scope',
          'dataProperty',
          'outputProperty',
          'allowOverrides',
        ],
      );
      assert.ok(
        rows.every((r) => r.ops === undefined),
        'an operation node shows every row',
      );
      assert.match(rowOf(rows, 'baseUrl').html, /data-i18n="zz-ping\.params\.baseUrl\.label"/, 'the node’s own label');
      assert.match(rowOf(rows, 'apiVersion').html, /data-i18n="common\.params\.apiVersion\.label"/, 'the common label');
      for (const key of ['baseUrl', 'apiVersion', 'pingId', 'fields', 'mode', 'loud', 'scope']) {
        assert.match(
          rowOf(rows, key).html,
          new RegExp(`<input type="text" id="node-input-${key}"[^>]*>\\n\\s*<input type="hidden" id="node-input-${key}Type">`),
          key,
        );
      }
      assert.match(rowOf(rows, 'loud').html, /data-i18n="zz-ping\.params\.loud\.label"/, 'a boolean has a label like any field');
      assert.doesNotMatch(rowOf(rows, 'secret').html, /Type"/, 'a secret is a password credential, not a TypedInput');
      assert.match(rowOf(rows, 'outputProperty').html, /data-i18n="common\.params\.outputProperty\.label"/);
      assert.match(rowOf(rows, 'pingId').html, /data-i18n="\[placeholder\]zz-ping\.params\.pingId\.placeholder"/, 'a placeholder when the words have one');
      assert.doesNotMatch(rowOf(rows, 'fields').html, /placeholder/, 'none when they do not');
      assert.match(html, /Q2Editor\.prepare\(this, \{ dataProperty: true, params: \[/);
    });

    it('the resource node: an operation select with one option per operation, and rows shown only for the operations that use them', () => {
      const template = editor.templates.get('zz-widget') ?? '';
      const select = /<select id="node-input-operation"[^>]*>(.*?)<\/select>/.exec(template);
      assert.ok(select, 'an operation select');
      assert.deepEqual(
        [...select[1].matchAll(/<option value="([^"]*)" data-i18n="([^"]*)"><\/option>/g)].map((m) => [m[1], m[2]]),
        [
          ['make', 'zz-widget.operations.make.label'],
          ['fetch', 'zz-widget.operations.fetch.label'],
        ],
      );
      const rows = rowsOf(template);
      assert.deepEqual(
        rows.map((r) => [r.id, r.ops?.join(' ') ?? '*']),
        [
          ['name', '*'],
          ['connection', '*'],
          ['operation', '*'],
          ['tenant', 'make fetch'],
          ['label', 'make'],
          ['ownerId', 'make fetch'],
          ['widgetId', 'fetch'],
          ['pin', 'fetch'],
          ['dataProperty', 'make'],
          ['outputProperty', '*'],
          ['allowOverrides', '*'],
        ],
      );
    });

    it('the embedded client shows, for the chosen operation, exactly its rows (and types the data property)', () => {
      const rows = rowsOf(editor.templates.get('zz-widget') ?? '');
      const opRows: FakeElement[] = rows
        .filter((r) => r.ops)
        .map((r) => ({ attrs: { 'data-ops': (r.ops ?? []).join(' '), id: r.id }, visible: true, handlers: [] }));
      const select: FakeElement = { attrs: {}, visible: true, value: 'make', handlers: [] };
      const dataProperty: FakeElement = { attrs: {}, visible: true, handlers: [] };
      const outputProperty: FakeElement = { attrs: {}, visible: true, handlers: [] };
      const fields = new Map(['tenant', 'label', 'ownerId', 'widgetId'].map((k): [string, FakeElement] => [k, { attrs: {}, visible: true, handlers: [] }]));
      const byId = new Map<string, FakeElement>([
        ['node-input-operation', select],
        ['node-input-dataProperty', dataProperty],
        ['node-input-outputProperty', outputProperty],
        ...[...fields].map(([k, el]): [string, FakeElement] => [`node-input-${k}`, el]),
      ]);
      editor.context.$ = fakeJQuery(byId, opRows);
      def(editor, 'zz-widget').oneditprepare.call({ _: (key: string) => `T(${key})` });
      const shown = () => opRows.filter((r) => r.visible).map((r) => r.attrs.id);
      assert.deepEqual(shown(), ['tenant', 'label', 'ownerId', 'dataProperty']);
      assert.deepEqual(plain(dataProperty.typedInput), { types: ['msg'], default: 'msg' });
      assert.deepEqual(plain(outputProperty.typedInput), { types: ['msg'], default: 'msg' });
      assert.equal(outputProperty.value, 'payload', 'a node saved before it had an output property shows msg.payload');
      const dynamic = ['msg', 'flow', 'global', 'env', 'jsonata'];
      assert.deepEqual(plain(fields.get('tenant')?.typedInput), { types: ['str', ...dynamic], default: 'str', typeField: '#node-input-tenantType' });
      assert.deepEqual(plain(fields.get('ownerId')?.typedInput), { types: ['str', 'num', ...dynamic], default: 'str', typeField: '#node-input-ownerIdType' });
      select.value = 'fetch';
      for (const h of select.handlers) h();
      assert.deepEqual(shown(), ['tenant', 'ownerId', 'widgetId', 'pin']);
    });
  });

  describe('helpHtml', () => {
    const html = helpHtml(SET, WORDS);
    const pingHelp = helpOf(html, 'zz-ping');
    const widgetHelp = helpOf(html, 'zz-widget');

    it('one page per node type, with Inputs, msg.config keys, Outputs and Details sections in that order', () => {
      assert.deepEqual(
        [...html.matchAll(/data-help-name="([^"]+)"/g)].map((m) => m[1]),
        ['zz-ping', 'zz-widget'],
      );
      for (const help of [pingHelp, widgetHelp]) {
        const at = ['<h3>INPUTS</h3>', '<h4>CONFIG-KEYS</h4>', '<h3>OUTPUTS</h3>', '<h3>DETAILS</h3>', '<h4>ERRORS</h4>'].map((h) => help.indexOf(h));
        assert.ok(
          at.every((i) => i >= 0),
          `all sections present: ${at.join(', ')}`,
        );
        assert.deepEqual(
          [...at].sort((a, b) => a - b),
          at,
          'in order',
        );
        assert.match(help, /<p>ERRORS-TEXT<\/p>\n<p>SECURITY-TEXT<\/p>/);
      }
      assert.match(pingHelp, /^\n<p>PING-SUMMARY<\/p>/);
      assert.match(
        pingHelp,
        /<h3>DETAILS<\/h3>\n<p>PING-DETAILS<\/p>\n<p>TYPED-INPUTS<\/p>\n<p>REQUEST: <code>POST \{baseUrl\}\/\{apiVersion\}\/Ping\/\{pingId\}<\/code><\/p>/,
      );
    });

    it('Inputs: the data property (required on an operation node, optional on a resource node) and msg.config', () => {
      assert.deepEqual(section(pingHelp, 'INPUTS'), [
        { name: 'payload', type: 'array | object', optional: false, help: 'PING-PAYLOAD' },
        { name: 'config', type: 'object', optional: true, help: 'CONFIG-HELP' },
      ]);
      assert.deepEqual(section(widgetHelp, 'INPUTS'), [
        { name: 'data', type: 'array | object', optional: true, help: 'WIDGET-PAYLOAD' },
        { name: 'config', type: 'object', optional: true, help: 'CONFIG-HELP' },
      ]);
    });

    it('Outputs: payload, statusCode and q2', () => {
      assert.deepEqual(section(pingHelp, 'OUTPUTS'), [
        { name: 'payload', type: 'object', optional: false, help: 'PAYLOAD-OUT OUTPUT-NOTE' },
        { name: 'statusCode', type: 'number', optional: false, help: 'STATUS-HELP' },
        { name: 'q2', type: 'object', optional: false, help: 'Q2-HELP' },
      ]);
      assert.equal(section(widgetHelp, 'OUTPUTS')[0].help, 'WIDGET-OUT OUTPUT-NOTE', "the node's own payloadOut wins");
    });

    it('every msg.config key is listed once with its type; required only when required with no fallback and no default', () => {
      const keys = section(pingHelp, 'CONFIG-KEYS');
      assert.deepEqual(
        keys.map((k) => k.name),
        [
          'config.baseUrl',
          'config.apiVersion',
          'config.pingId',
          'config.fields',
          'config.mode',
          'config.secret',
          'config.loud',
          'config.scope',
          'config.accessToken',
        ],
      );
      const expected: Record<string, [string, boolean]> = {
        'config.baseUrl': ['string', true], // required, but falls back to the connection's base URL (the bug: it was marked required)
        'config.apiVersion': ['string', true], // required, fallback and default
        'config.pingId': ['number | string', false], // required, nothing to fall back to
        'config.fields': ['string | array', true],
        'config.mode': ['string', true], // required, but has a default
        'config.secret': ['string', false], // required, sensitive
        'config.loud': ['boolean', true],
        'config.scope': ['string', true], // required, but falls back to the connection's scope
        'config.accessToken': ['string', true],
      };
      for (const [name, [type, optional]] of Object.entries(expected)) {
        const p = prop(keys, name);
        assert.equal(p.type, type, `${name} type`);
        assert.equal(p.optional, optional, `${name} is ${optional ? 'optional' : 'required'}`);
      }
    });

    it('each key’s help: its words (own before common), where it is sent, and the sensitive note only on sensitive keys', () => {
      const keys = section(pingHelp, 'CONFIG-KEYS');
      assert.equal(prop(keys, 'config.baseUrl').help, 'PING-BASEURL-HELP.', 'own words, and a setting says nothing about placement');
      assert.equal(prop(keys, 'config.apiVersion').help, 'COMMON-APIVERSION-HELP.', 'common words');
      assert.equal(prop(keys, 'config.pingId').help, 'PING-ID-HELP. Sent in the path.');
      assert.equal(prop(keys, 'config.fields').help, 'FIELDS-HELP. Sent as the query parameter <code>field_list</code>.');
      assert.equal(prop(keys, 'config.secret').help, 'SECRET-HELP. Sent as <code>Secret</code> in the JSON body. SENSITIVE-NOTE.');
      assert.equal(prop(keys, 'config.loud').help, 'LOUD-HELP. Sent as <code>Loud: true</code> in the JSON body, only when true.');
      assert.equal(prop(keys, 'config.scope').help, 'SCOPE-HELP. Sent as the form field <code>scope</code>.');
      assert.equal(prop(keys, 'config.accessToken').help, 'ACCESS-TOKEN-HELP');
      const sensitive = keys.filter((k) => k.help.includes('SENSITIVE-NOTE'));
      assert.deepEqual(
        sensitive.map((k) => k.name),
        ['config.secret'],
      );
    });

    it('the resource node: config.operation, per-operation placement and "used by", and an Operations list with each request', () => {
      const keys = section(widgetHelp, 'CONFIG-KEYS');
      assert.deepEqual(
        keys.map((k) => [k.name, k.type, k.optional]),
        [
          ['config.operation', 'string', true],
          ['config.tenant', 'string', false], // required by every operation
          ['config.label', 'string', true],
          ['config.ownerId', 'number | string', true],
          ['config.widgetId', 'number | string', true], // required by fetch only
          ['config.pin', 'string', true],
          ['config.accessToken', 'string', true],
        ],
      );
      assert.equal(prop(keys, 'config.operation').help, 'OPERATION-HELP');
      assert.equal(prop(keys, 'config.tenant').help, 'TENANT-HELP. Sent in the path.');
      assert.equal(prop(keys, 'config.label').help, 'LABEL-HELP. Sent as <code>label</code> in the JSON body. Used by <code>make</code>.');
      assert.equal(
        prop(keys, 'config.ownerId').help,
        'OWNER-HELP. <code>make</code>: Sent as <code>ownerId</code> in the JSON body. <code>fetch</code>: Sent as the query parameter <code>owner_id</code>.',
      );
      assert.equal(prop(keys, 'config.pin').help, 'PIN-HELP. Sent as the query parameter <code>pin</code>. SENSITIVE-NOTE. Used by <code>fetch</code>.');
      // one entry per operation: what it does and its request; its dialog label, what it uses (required marked), its body
      const ops = /<h4>OPERATIONS<\/h4>\n<dl class="message-properties">\n([\s\S]*?)\n<\/dl>/.exec(widgetHelp);
      assert.ok(ops, 'an Operations list');
      assert.equal(
        ops[1],
        [
          '  <dt>make</dt>',
          '  <dd>MAKE-SUMMARY <code>POST {baseUrl}/{tenant}/widgets</code></dd>',
          '  <dd>LABEL “make a widget”. USES <code>tenant</code> (REQUIRED), <code>label</code>, <code>ownerId</code>. BODY <code>msg.data</code>.</dd>',
          '  <dt>fetch</dt>',
          '  <dd>FETCH-SUMMARY <code>GET {baseUrl}/{tenant}/widgets/{widgetId}</code></dd>',
          '  <dd>LABEL “fetch a widget”. USES <code>tenant</code> (REQUIRED), <code>widgetId</code> (REQUIRED), <code>ownerId</code>, <code>pin</code>.</dd>',
        ].join('\n'),
      );
    });

    it('a family without user tokens lists no msg.config.accessToken', () => {
      const noTokens: NodeSet = { ...SET, family: { ...platformFamily, userTokens: false } };
      const keys = section(helpOf(helpHtml(noTokens, WORDS), 'zz-ping'), 'CONFIG-KEYS');
      assert.equal(keys.filter((k) => k.name === 'config.accessToken').length, 0);
    });

    it('a missing word is an error naming the set’s locale file and the key', () => {
      const words = structuredClone(WORDS) as { [key: string]: Words };
      delete (words['zz-widget'].operations as { [key: string]: Words }).fetch;
      assert.throws(() => helpHtml(SET, words), /locales\/en-US\/zz-fictional\.json has no "zz-widget\.operations\.fetch\.summary"/);
    });

    it('the shipped Platform help (readWords): config.baseUrl, config.apiVersion and each one-of selector (config.ssn) are optional', () => {
      const help = helpOf(helpHtml(platformNodeSet, readWords('q2-platform')), 'q2-lookup-user');
      const keys = section(help, 'msg.config keys');
      assert.deepEqual(
        ['config.baseUrl', 'config.apiVersion', 'config.ssn', 'config.includeAuthToken'].map((k) => [k, prop(keys, k).optional]),
        [
          ['config.baseUrl', true],
          ['config.apiVersion', true],
          // one of five selectors: none is required alone
          ['config.ssn', true],
          ['config.includeAuthToken', true],
        ],
      );
      const token = section(helpOf(helpHtml(platformNodeSet, readWords('q2-platform')), 'q2-get-token'), 'msg.config keys');
      assert.deepEqual(
        token.map((k) => [k.name, k.optional]),
        [
          ['config.baseUrl', true],
          ['config.client_id', true],
          ['config.client_secret', true],
          ['config.grant_type', true],
          ['config.scope', true],
        ],
        'every Get Token key falls back to the connection',
      );
    });
  });

  describe('the connection rows, defaults, help and words', () => {
    const CONNECTION: Words = {
      label: Object.fromEntries(RELIABILITY_SETTINGS.map((s) => [s.key, `LABEL-${s.key}`])),
      help: { timeout: 'HELP-timeout', ...Object.fromEntries(RELIABILITY_SETTINGS.map((s) => [s.key, `HELP-${s.key}`])) },
      reliabilityTitle: 'RELIABILITY',
      envTitle: 'ENV',
      env: 'ENV-HELP ${NAME}',
    };
    // q2-common.json's connection.reliability is a list of paragraphs (editor.ts reads it past the Words type)
    const connection = { ...CONNECTION, reliability: ['PARA-1', 'PARA-<b>2</b>'] } as unknown as Words;

    it('connectionRows: allowed origins, timeout, one row per reliability setting, TLS and proxy, labelled from the node’s words', () => {
      const rows = connectionRows('zz-config');
      const ids = [...rows.matchAll(/<input type="text" id="node-config-input-([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(ids, ['allowedOrigins', 'timeout', ...RELIABILITY_SETTINGS.map((s) => s.key), 'tls', 'proxy']);
      for (const key of ids)
        assert.match(
          rows,
          new RegExp(`<label for="node-config-input-${key}">(<i[^>]*></i> )?<span data-i18n="zz-config\\.label\\.${key}"></span></label>`),
          key,
        );
      assert.match(rows, /data-i18n="\[placeholder\]zz-config\.placeholder\.allowedOrigins"/);
      assert.match(rows, /<div class="form-row" id="zz-config-tls-row">/);
    });

    it('connectionDefaults: one default per reliability setting, its validator refusing out-of-range values', () => {
      const text = connectionDefaults('      ');
      assert.equal(text.split('\n').length, RELIABILITY_SETTINGS.length);
      assert.ok(text.split('\n').every((l) => l.startsWith('      ') && l.endsWith(',')));
      const defaults = vm.runInNewContext(`({\n${text}\n})`) as Record<string, { value: number; validate: (v: unknown) => boolean }>;
      assert.deepEqual(
        Object.keys(defaults),
        RELIABILITY_SETTINGS.map((s) => s.key),
      );
      for (const s of RELIABILITY_SETTINGS) {
        const d = defaults[s.key];
        assert.equal(d.value, s.default, `${s.key} default`);
        const v = (x: unknown) => d.validate(x);
        assert.deepEqual(
          [v(''), v(undefined), v('${ENV}'), v(String(s.default)), v(String(s.min)), v(String(s.max)), v(String(s.min - 1)), v(String(s.max + 1)), v('abc')],
          [true, true, true, true, true, true, false, false, false],
          s.key,
        );
      }
    });

    it('connectionHelp: timeout plus one entry per reliability setting (label, unit, help), and the Reliability section', () => {
      const help = connectionHelp(connection);
      const entries = [
        ...help.properties.matchAll(/<dt( class="optional")?>([^<]*) <span class="property-type">([^<]*)<\/span><\/dt>\n {2}<dd>([^<]*)<\/dd>/g),
      ].map((m) => [m[2], m[3], m[4]]);
      const unit = (u: string) => (u === 's' ? 'seconds' : u === 'MB' ? 'MB' : 'number');
      assert.deepEqual(entries, [
        ['Timeout', 'seconds', 'HELP-timeout'],
        ...RELIABILITY_SETTINGS.map((s) => [`LABEL-${s.key}`, unit(s.unit), `HELP-${s.key}`]),
      ]);
      assert.equal(help.details, '<h4>ENV</h4>\n<p>ENV-HELP ${NAME}</p>\n<h4>RELIABILITY</h4>\n<p>PARA-1</p>\n<p>PARA-<b>2</b></p>');
      const withoutOne = structuredClone(connection) as { help: Record<string, string> };
      delete withoutOne.help.stopGrace;
      assert.throws(() => connectionHelp(withoutOne as unknown as Words), /connection\.help\.stopGrace is missing/);
      assert.throws(() => connectionHelp(CONNECTION), /connection\.reliability is missing/);
    });

    it('withConnectionRows / withConnectionHelp: the markers are replaced, the rest is kept', () => {
      const page = [
        '<script type="text/javascript">',
        '    defaults: {',
        '        // q2:connection-defaults (written by the build)',
        '    }',
        '</script>',
        '<div class="form-row">own row</div>',
        '  <!-- q2:connection-rows (written by the build) -->',
      ].join('\n');
      const out = withConnectionRows('zz-config', page);
      assert.doesNotMatch(out, /q2:connection-/);
      assert.ok(out.includes('<div class="form-row">own row</div>'));
      assert.ok(out.includes(connectionRows('zz-config')));
      assert.ok(out.includes(connectionDefaults('        ')), 'defaults at the marker’s indent');
      const helpPage = '<dl>\n  <!-- q2:connection-help -->\n</dl>\n<!-- q2:reliability-help -->\n';
      const help = withConnectionHelp(helpPage, connection);
      assert.equal(help, `<dl>\n${connectionHelp(connection).properties}\n</dl>\n${connectionHelp(connection).details}\n`);
    });

    it('the connection’s timeout and reliability fields accept a whole-value ${VAR} (replaced by Node-RED at deploy)', () => {
      const page = withConnectionRows('zz-config', '({\n// q2:connection-defaults\n})');
      const defaults = vm.runInNewContext(page, {}) as Record<string, { validate?: (v: unknown) => boolean }>;
      const timeout = defaults.timeout.validate;
      assert.ok(timeout);
      for (const ok of ['30', '0.5', '${Q2_TIMEOUT}']) assert.equal(timeout(ok), true, ok);
      for (const bad of ['', 'abc', '-1', '0', '${}', '$Q2_TIMEOUT']) assert.equal(timeout(bad), false, bad);
      for (const s of RELIABILITY_SETTINGS) assert.equal(defaults[s.key].validate?.('${Q2_SETTING}'), true, s.key);
    });

    it('withConnectionWords: the reliability labels are added under <type>.label; the node’s own words win', () => {
      const own: Words = {
        'zz-config': { label: { name: 'Name', timeout: 'Timeout (s)', maxInFlight: 'OWN-IN-FLIGHT' }, placeholder: { allowedOrigins: 'e.g.' } },
      };
      const merged = withConnectionWords('zz-config', own, connection) as {
        'zz-config': { label: Record<string, string>; placeholder: Record<string, string> };
      };
      assert.deepEqual(Object.keys(merged), ['zz-config']);
      const labels = merged['zz-config'].label;
      for (const s of RELIABILITY_SETTINGS) assert.equal(labels[s.key], s.key === 'maxInFlight' ? 'OWN-IN-FLIGHT' : `LABEL-${s.key}`, s.key);
      assert.equal(labels.name, 'Name');
      assert.equal(labels.timeout, 'Timeout (s)');
      assert.deepEqual(merged['zz-config'].placeholder, { allowedOrigins: 'e.g.' });
    });
  });

  describe('runtime constants in the hand-written editors', () => {
    it('Q2_CONST_<NAME> becomes the JSON of the runtime value; an unknown name fails the build', () => {
      const html = withEditorConstants('var HOSTS = Q2_CONST_BILLER_DIRECT_HOSTS; var U = new RegExp(Q2_CONST_URL_PATTERN);');
      assert.equal(html, `var HOSTS = ${JSON.stringify(BILLER_DIRECT_HOSTS)}; var U = new RegExp(${JSON.stringify(PATTERNS.url)});`);
      assert.throws(() => withEditorConstants('Q2_CONST_NO_SUCH'), /Q2_CONST_NO_SUCH/);
    });

    it('the editors’ URL pattern is the runtime’s: the same values pass and fail', () => {
      const url = new RegExp(PATTERNS.url);
      for (const ok of ['https://stage.q2api.com', 'http://127.0.0.1:8870/v1']) assert.ok(url.test(ok), ok);
      for (const bad of ['stage.q2api.com', 'https://', 'https://a b', 'ftp://x']) assert.ok(!url.test(bad), bad);
      assert.ok(new RegExp(PATTERNS.env).test('${Q2_BASE_URL}'));
    });
  });
});
