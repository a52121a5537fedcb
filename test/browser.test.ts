/**
 * The editor in a real browser: Debian's Chromium (/usr/bin/chromium, driven by playwright-core, no browser
 * download) against Node-RED run as a separate process with the pack installed from its `npm pack` tarball, and the
 * Q2 simulator in this process for the examples.
 *
 * For every node type the runtime registers for the pack (GET /nodes): it is dragged from the palette onto the flow
 * and its dialog opened (a config node's from the connection field's edit button of a node that uses it). Every
 * visible input must have a visible label on one line, no raw i18n key may show (dialog, palette, canvas, help);
 * required fields are marked invalid until filled and invalid values are marked; rows that follow the operation (or
 * product, key source, store, environment) show and hide with it; secrets entered (typed, or a key uploaded) are never
 * shown again after save, deploy and reopen, and a key entered in a key box reaches the runtime whole (its public half
 * is served as a JWKS); the node deploys with no browser console error; its help has the sections its ports call for.
 * Then one example per API family is imported through Menu ▸ Import ▸ Examples, its connection pointed at the
 * simulator in the connection's dialog, deployed, and its inject button pressed until a Q2 node's status is green.
 *
 * A screenshot of each dialog goes to test-artifacts/browser/. Without /usr/bin/chromium the test is skipped,
 * except when the CI environment variable is set: then it fails.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { readJson, readWords, word } from '../lib/build/editor';
import { EXAMPLE_CONNECTIONS, exampleBaseUrl } from '../lib/dev/examples';
import { nodeSpecs } from '../lib/model/node-set';
import { HAND_WRITTEN_NODES, NODE_SETS } from '../lib/model/registry';
import { startSimulator, type RunningSimulator } from '../lib/simulator';
import { CONFIG_FORM, Editor, NODE_FORM, RAW_KEY } from './browser/editor';
import type { FormReport } from './browser/in-page';
import { plans, type Plan, type RowSwitch } from './browser/plans';
import { type Runtime, startNodeRed, stopNodeRed } from './node-red-process';
import { npm } from './node22';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'browser');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string };

/** The connection types, each with the first node type of its set (whose connection field opens it). */
const CONFIG_TYPES: Array<{ type: string; host: string }> = NODE_SETS.map((set) => ({ type: set.connectionType, host: nodeSpecs(set)[0].type }));
const NODE_TYPES: string[] = [...NODE_SETS.flatMap((set) => nodeSpecs(set).map((s) => s.type)), ...HAND_WRITTEN_NODES];

/** One example per API family: the file (as the Import menu lists it), the inject to press, the Q2 node to watch. */
const EXAMPLES = [
  { entry: ['Q2 Platform', '01 Get Token'], connection: 'q2-platform-config', inject: "Connection's token", watch: 'Get Token' },
  { entry: ['Biller Direct', '04 Bills'], connection: 'q2-billerdirect-config', inject: "Demo user's bills", watch: 'List bills' },
  { entry: ['CorePro external accounts', '02 List and archive'], connection: 'q2-corepro-config', inject: 'Customer 1001', watch: 'List' },
];

/** Node-RED's settings for the test: no palette manager (it fetches the online catalogue), no tours, no update check. */
const SETTINGS = 'externalModules: { palette: { allowInstall: false } }, editorTheme: { tours: false }, telemetry: { enabled: false },';

/** The words of a node type (its set's, merged with q2-common.json's editor words, or a hand-written node's own file). */
function wordsOf(type: string): Parameters<typeof word>[0] {
  const set = NODE_SETS.find((s) => s.connectionType === type || nodeSpecs(s).some((spec) => spec.type === type));
  return set && set.connectionType !== type ? readWords(set.namespace) : readJson(`${type}.json`);
}

function need(type: string, key: string): string {
  const text = word(wordsOf(type), key);
  assert.ok(text !== undefined, `${type}: words for ${key}`);
  return text;
}

/** Fails on a raw i18n key in any of `texts`. */
function noRawKeys(where: string, texts: string[]): void {
  const raw = texts.map((t) => RAW_KEY.exec(t)?.[0]).filter((k): k is string => k !== undefined);
  assert.deepEqual(raw, [], `${where}: raw i18n keys shown`);
}

/** What every dialog must get right: a label for each visible control, on one line, no empty row and no raw key anywhere. */
function checkForm(where: string, report: FormReport): void {
  const unlabelled = report.controls.filter((c) => !c.label).map((c) => `${c.tag}#${c.id}`);
  assert.deepEqual(unlabelled, [], `${where}: visible inputs without a visible label`);
  assert.deepEqual(report.wrapped, [], `${where}: labels that wrap onto a second line or overflow`);
  assert.deepEqual(report.empty, [], `${where}: empty rows`);
  noRawKeys(where, report.texts);
}

/** A distinctive part of a secret, to look for (a PEM's first base64 line). */
function fingerprint(secret: string): string {
  const lines = secret.split('\n').filter((l) => l && !l.startsWith('-----'));
  return lines.length ? lines[0] : secret;
}

describe('the editor in a real browser (Chromium, Node-RED with the packed pack)', function () {
  this.timeout(90_000);
  let work = '';
  let sim: RunningSimulator | undefined;
  let runtime: Runtime | undefined;
  let browser: Browser | undefined;
  let editor: Editor;
  let plan: Map<string, Plan>;
  const started = Date.now();

  before(async function () {
    this.timeout(300_000);
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: the editor's browser test cannot run (apt-get install chromium)`);
      console.log(`      skipped: no Chromium at ${CHROMIUM} (on CI this fails)`);
      this.skip();
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'q2-browser-'));
    // dist/ is already built by `npm test`; --ignore-scripts keeps `prepare` from rebuilding it under running tests
    const tarball = (await npm(['pack', '--ignore-scripts', '--pack-destination', work], ROOT)).trim().split('\n').pop() ?? '';
    const userDir = path.join(work, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-user', private: true }));
    await npm(['install', path.join(work, tarball), '--omit=dev'], userDir);
    sim = await startSimulator({ port: 0 });
    runtime = await startNodeRed(require.resolve('node-red/red.js'), userDir, {
      settings: SETTINGS,
      // the webhook's dedupe window is entered as ${Q2_DEDUPE_WINDOW} (test/browser/plans.ts): set, as it would be in production
      env: { Q2_DEDUPE_WINDOW: '3600' },
    });
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    plan = plans(
      { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      sim.url,
    );
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.setDefaultTimeout(15_000);
    editor = new Editor(page, runtime.url, ARTIFACTS);
    await editor.open();
  });

  after(async () => {
    await browser?.close();
    await stopNodeRed(runtime);
    await sim?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (runtime) console.log(`      browser test: ${Math.round((Date.now() - started) / 1000)} s; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await editor.screenshot(`failed-${this.currentTest.title.split(':')[0]}`);
      await editor.closeDialogs();
    }
  });

  /** Runs `body`, then fails on any browser console error or page error it caused. */
  async function noConsoleErrors(body: () => Promise<void>): Promise<void> {
    const from = editor.errors.length;
    await body();
    assert.deepEqual(editor.errors.slice(from), [], 'browser console errors');
  }

  it('the runtime registers exactly the pack’s types (GET /nodes), each in the palette under its own label', async () => {
    assert.ok(runtime);
    const res = await fetch(`${runtime.url}/nodes`, { headers: { Accept: 'application/json' } });
    const sets = ((await res.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>).filter((s) => s.module === pkg.name);
    assert.deepEqual(sets.map((s) => s.err).filter(Boolean), [], 'node sets that failed to load');
    assert.deepEqual(sets.flatMap((s) => s.types).sort(), [...CONFIG_TYPES.map((c) => c.type), ...NODE_TYPES].sort(), 'what this test covers');
    for (const type of NODE_TYPES) {
      const shown = await editor.paletteLabel(type);
      noRawKeys(`${type} in the palette`, [shown]);
      assert.equal(shown, need(type, `${type}.paletteLabel`), `${type}: palette label`);
    }
    assert.deepEqual(editor.errors, [], 'browser console errors while the editor loaded');
  });

  /** The dialog steps every plan goes through: required, dependent, invalid, switched rows, secrets, fill. */
  async function exercise(p: Plan, form: string): Promise<void> {
    const where = `${p.type} dialog`;
    const marked = (id: string, expected: boolean) => editor.marked(form, id, expected);
    for (const r of p.required) {
      assert.ok(await marked(r.id, true), `${where}: ${r.id} is marked while empty`);
      await editor.fill(r.id, r.value);
      assert.ok(!(await marked(r.id, false)), `${where}: ${r.id} is no longer marked once filled`);
    }
    for (const d of p.dependents ?? []) {
      await editor.select(d.set, d.value);
      assert.ok(await marked(d.marked, true), `${where}: ${d.marked} is marked while ${d.fill} is empty`);
      await editor.fill(d.fill, d.with);
      assert.ok(!(await marked(d.marked, false)), `${where}: ${d.marked} is no longer marked once ${d.fill} is filled`);
    }
    const rows = async (s: RowSwitch) => {
      if (typeof s.value === 'boolean') await editor.check(s.control, s.value);
      else await editor.select(s.control, s.value);
      const report = await editor.read(form);
      const state = `${s.control} = ${String(s.value)}`;
      assert.deepEqual(
        s.shown.filter((r) => !report.visible.includes(r)),
        [],
        `${where}, ${state}: rows not shown`,
      );
      assert.deepEqual(
        s.hidden.filter((r) => report.visible.includes(r)),
        [],
        `${where}, ${state}: rows not hidden`,
      );
      checkForm(`${where}, ${state}`, report);
    };
    for (const s of p.switches) await rows(s);
    for (const c of p.checks) {
      for (const bad of c.invalid) {
        await editor.fill(c.id, bad);
        assert.ok(await marked(c.id, true), `${where}: ${c.id} = ${JSON.stringify(bad)} is marked invalid`);
      }
      await editor.fill(c.id, c.valid);
      assert.ok(!(await marked(c.id, false)), `${where}: ${c.id} = ${JSON.stringify(c.valid)} is accepted`);
    }
    for (const ty of p.typed ?? []) {
      await editor.pickType(ty.id, ty.type);
      await editor.fill(ty.id, ty.value);
      assert.equal(await editor.value(`${ty.id}Type`), ty.type, `${where}: ${ty.id} reads from ${ty.type}`);
      assert.ok(!(await marked(ty.id, false)), `${where}: ${ty.id} = ${ty.type}.${ty.value} is accepted`);
    }
    for (const s of p.late ?? []) await rows(s);
    for (const s of p.secrets) {
      if (s.upload) await editor.upload(s.upload, s.value, s.id);
      else await editor.fill(s.id, s.value);
    }
    for (const f of p.fill) {
      if (typeof f.value === 'boolean') await editor.check(f.id, f.value);
      else await editor.fill(f.id, f.value);
    }
    const filled = await editor.read(form);
    checkForm(`${where}, filled`, filled);
    assert.deepEqual(filled.invalid, [], `${where}: fields still marked invalid once filled`);
  }

  /**
   * After save and reopen: no secret shows in the dialog's text or in any field a user reads (text inputs, textareas),
   * and the stored-key notes say a key is stored. Before a deploy the editor still holds a typed value in its (masked)
   * password input or hidden key input; once deployed (`deployed`), no field holds it at all, a password input shows
   * only the marker __PWRD__, and the admin API's GET /credentials answers no secret either.
   */
  async function secretsHidden(p: Plan, id: string, deployed: boolean): Promise<void> {
    const when = deployed ? 'after deploy and reopen' : 'after Done and reopen';
    const { values, text } = await editor.values();
    for (const s of p.secrets) {
      const mark = fingerprint(s.value);
      const showing = Object.entries(values)
        .filter(([, v]) => v.value.includes(mark) && (deployed || !['password', 'hidden'].includes(v.type)))
        .map(([k]) => k);
      assert.deepEqual(showing, [], `${p.type}, ${when}: the secret typed into ${s.id} is in these fields`);
      assert.ok(!text.includes(mark), `${p.type}, ${when}: the secret typed into ${s.id} is shown in the dialog`);
      if (s.id.endsWith('-text')) assert.equal(values[s.id]?.value, '', `${p.type}, ${when}: ${s.id} is empty once its key is stored`);
      else if (deployed) assert.equal(values[s.id]?.value, '__PWRD__', `${p.type}, ${when}: ${s.id} shows that a value is stored`);
    }
    for (const s of p.stored ?? []) {
      const state = await editor.page.locator(`[id="${s.id}"]`).innerText();
      assert.equal(state.trim(), need(p.type, s.key), `${p.type}, ${when}: ${s.id} says the key is stored`);
    }
    if (!deployed) return;
    assert.ok(runtime);
    const creds = await (await fetch(`${runtime.url}/credentials/${p.type}/${id}`)).text();
    for (const s of p.secrets) assert.ok(!creds.includes(fingerprint(s.value)), `${p.type}: GET /credentials answers the secret of ${s.id}`);
    if (p.jwks) {
      // the key entered in the box reached the runtime whole: it serves the key's public half
      const res = await fetch(`${runtime.url}${p.jwks}`);
      assert.equal(res.status, 200, `${p.type}: GET ${p.jwks}`);
      const { keys } = (await res.json()) as { keys: Array<Record<string, unknown>> };
      assert.equal(keys.length, 1, `${p.type}: one key at ${p.jwks}`);
      assert.equal(keys[0].d, undefined, `${p.type}: no private member at ${p.jwks}`);
    }
  }

  /** The help in the sidebar: titled with the palette label; Inputs and Outputs where the node has ports, a connection's Properties, Details always; no raw key. */
  async function checkHelp(type: string): Promise<void> {
    const help = await editor.help(type);
    const ports = await editor.ports(type);
    const connection = CONFIG_TYPES.some((c) => c.type === type);
    const expected = [...(ports.inputs ? ['Inputs'] : []), ...(ports.outputs ? ['Outputs'] : []), ...(connection ? ['Properties'] : []), 'Details'];
    assert.deepEqual(
      expected.filter((h) => !help.headings.includes(h)),
      [],
      `${type}: help sections (has ${help.headings.join(', ')})`,
    );
    noRawKeys(`${type} help`, [help.title, help.text]);
    assert.equal(help.title, need(type, `${type}.paletteLabel`), `${type}: the help's title`);
  }

  for (const { type, host } of CONFIG_TYPES) {
    it(`${type}: opened from ${host}’s connection field; labels, required and invalid fields, rows, secrets, deploy, help`, async () => {
      await noConsoleErrors(async () => {
        const p = plan.get(type);
        assert.ok(p, `a plan for ${type}`);
        const id = await editor.drop(host);
        await editor.edit(id);
        assert.ok(await editor.marked(NODE_FORM, 'node-input-connection', true), `${host}: the empty connection is marked`);
        await editor.editConnection('add');
        const report = await editor.read(CONFIG_FORM);
        await editor.screenshot(type);
        checkForm(`${type} dialog`, report);
        await exercise(p, CONFIG_FORM);
        await editor.screenshot(`${type}-filled`);
        await editor.done(CONFIG_FORM);
        const [config] = await editor.configNodes(type);
        assert.ok(config, `${type}: the new connection exists`);
        assert.equal(await editor.page.locator('#node-input-connection').inputValue(), config, `${host}: the new connection is chosen`);
        assert.ok(!(await editor.marked(NODE_FORM, 'node-input-connection', false)), `${host}: the connection is no longer marked`);
        await editor.done(NODE_FORM);
        for (const deployed of [false, true]) {
          if (deployed) await editor.deploy();
          await editor.edit(id);
          await editor.editConnection('edit');
          await secretsHidden(p, config, deployed);
          await editor.cancel(CONFIG_FORM);
          await editor.cancel(NODE_FORM);
        }
        await checkHelp(type);
      });
    });
  }

  for (const type of NODE_TYPES) {
    it(`${type}: dragged from the palette; labels, required and invalid fields, rows, secrets, canvas label, deploy, help`, async () => {
      await noConsoleErrors(async () => {
        const p = plan.get(type);
        assert.ok(p, `a plan for ${type}`);
        const id = await editor.drop(type);
        noRawKeys(`${type} on the canvas`, [await editor.canvasLabel(id)]);
        await editor.edit(id);
        const report = await editor.read(NODE_FORM);
        await editor.screenshot(type);
        checkForm(`${type} dialog`, report);
        if (p.connection) {
          const marked = await editor.marked(NODE_FORM, 'node-input-connection', p.connection.required);
          assert.equal(marked, p.connection.required, `${type}: an empty connection is ${p.connection.required ? '' : 'not '}marked`);
          const [config] = await editor.configNodes(p.connection.type);
          assert.ok(config, `a ${p.connection.type} made by an earlier test`);
          if (await editor.page.locator('#node-input-connection').isVisible()) await editor.select('node-input-connection', config);
        }
        await exercise(p, NODE_FORM);
        await editor.screenshot(`${type}-filled`);
        await editor.done(NODE_FORM);
        const label = await editor.canvasLabel(id);
        noRawKeys(`${type} on the canvas`, [label]);
        const spec = NODE_SETS.flatMap((set) => nodeSpecs(set)).find((s) => s.type === type);
        if (spec?.selectable) {
          const op = spec.operations[spec.operations.length - 1].name;
          assert.equal(
            label,
            `${need(type, `${type}.paletteLabel`)}: ${need(type, `${type}.operations.${op}.label`)}`,
            `${type}: the canvas label names the operation`,
          );
        }
        for (const deployed of p.secrets.length ? [false, true] : [true]) {
          if (deployed) await editor.deploy();
          await editor.edit(id);
          await secretsHidden(p, id, deployed);
          await editor.cancel(NODE_FORM);
        }
        await checkHelp(type);
      });
    });
  }

  for (const ex of EXAMPLES) {
    it(`example ${ex.entry.join('/')}: imported from Menu ▸ Import ▸ Examples, pointed at the simulator, deployed, injected: status green`, async () => {
      await noConsoleErrors(async () => {
        assert.ok(sim);
        const nodes = await editor.importExample(pkg.name, ex.entry);
        const inject = nodes.find((n) => n.type === 'inject' && n.name === ex.inject);
        const watched = nodes.find((n) => n.name === ex.watch && n.type.startsWith('q2-'));
        assert.ok(inject && watched, `${ex.entry.join('/')}: the inject "${ex.inject}" and the node "${ex.watch}" are on the new flow`);
        noRawKeys(
          `${ex.entry.join('/')} on the canvas`,
          nodes.map((n) => n.label),
        );
        // the example's connection names the simulator's default address and carries no credentials: set both
        await editor.edit(watched.id);
        await editor.editConnection('edit');
        const connection = EXAMPLE_CONNECTIONS.find((c) => c.type === ex.connection);
        assert.ok(connection);
        const p = plan.get(ex.connection);
        for (const r of p?.required ?? []) assert.ok(await editor.marked(CONFIG_FORM, r.id, true), `${ex.connection}: the missing ${r.id} is marked`);
        if (ex.connection === 'q2-corepro-config') await editor.select('node-config-input-preset', 'custom');
        await editor.fill('node-config-input-baseUrl', exampleBaseUrl(ex.connection, sim.url));
        for (const [key, value] of Object.entries(connection.credentials)) await editor.fill(`node-config-input-${key}`, value);
        assert.deepEqual(await editor.invalid(CONFIG_FORM), [], `${ex.connection}: nothing marked once filled`);
        await editor.done(CONFIG_FORM);
        await editor.done(NODE_FORM);
        await editor.deploy();
        await editor.inject(inject.id);
        await editor.greenStatus(watched.id);
        await editor.screenshot(`example-${ex.entry.join('-')}`);
      });
    });
  }

  it('the Node-RED runtime logged no error or warning from the pack’s nodes during the test', () => {
    assert.ok(runtime);
    const problems = runtime.log.filter((l) => /\[(warn|error)\]/.test(l) && /q2-/.test(l));
    assert.deepEqual(problems, []);
  });
});
