/**
 * Runtime texts through Node-RED's i18n (lib/i18n.ts). Unit: a translator handed over with useRuntimeI18n answers
 * namespaced and common keys, its placeholders are filled here and values come through unescaped; the identity
 * `RED._` of node-red-node-test-helper (and any key a translator lacks) falls back to our en-US catalogue; an unknown
 * key comes back as itself; t() never throws. Build: every node file's en-US catalogue carries the runtime sections of
 * q2-common.json. Real runtime: a Node-RED process with a Dutch catalogue added beside the pack's nodes shows the
 * Dutch statuses and errors when its language is Dutch (settings `lang`, or LC_ALL), English otherwise.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runtimeWords, withRuntimeWords } from '../lib/build/editor';
import { t, useRuntimeI18n, type RuntimeTranslate } from '../lib/i18n';
import { type Collector, deployFlows, freePort, type Runtime, startCollector, startNodeRed, stopNodeRed } from './node-red-process';

const ROOT = path.resolve(__dirname, '..', '..');
const COMMON = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'en-US', 'q2-common.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; 'node-red': { nodes: Record<string, string> } };
const NODE_FILES = Object.values(PKG['node-red'].nodes).map((file) => path.basename(file, '.js'));

/** A translator that knows `texts` (key without namespace → stored text) and, like i18next, returns a missing key. */
function fake(texts: Record<string, string>, calls: Array<[string, unknown]> = []): RuntimeTranslate {
  return (key, options) => {
    calls.push([key, options]);
    return texts[key] ?? key;
  };
}

describe('i18n: runtime texts through Node-RED (RED._) with the en-US catalogue beneath', function () {
  describe('t() with a translator handed over', () => {
    const undo: Array<() => void> = [];
    const use = (namespace: string, translate: RuntimeTranslate) => undo.push(useRuntimeI18n(namespace, translate));
    afterEach(() => {
      while (undo.length) undo.pop()?.();
    });

    it('a namespaced key asks its node file; a common key any node file; the stored text comes raw, filled here', () => {
      const calls: Array<[string, unknown]> = [];
      use('q2-platform', fake({ 'q2-lookup-user.paletteLabel': 'Benutzer suchen', 'status.ok': 'HTTP-Status __status__' }, calls));
      assert.equal(t('q2-platform:q2-lookup-user.paletteLabel'), 'Benutzer suchen');
      assert.equal(t('status.ok', { status: 201 }), 'HTTP-Status 201');
      // asked without the namespace (RED._ adds the node set's own) and for the text as stored
      assert.deepEqual(calls[0], ['q2-lookup-user.paletteLabel', { skipInterpolation: true }]);
      assert.deepEqual(calls[1], ['status.ok', { skipInterpolation: true }]);
    });

    it("a namespaced key never goes to another node file's translator", () => {
      use('q2-corepro', () => 'from corepro');
      assert.equal(t('q2-platform:q2-lookup-user.paletteLabel'), 'Lookup User');
      assert.equal(t('q2-corepro:q2-corepro-external-account.paletteLabel'), 'from corepro');
    });

    it('a common key: the first node file that translates it wins over those answering in English (the fallback)', () => {
      use('q2-platform-config', fake({ 'status.noCredentials': 'no credentials' }));
      use('q2-platform', fake({ 'status.noCredentials': 'keine Zugangsdaten' }));
      use('q2-corepro', fake({ 'status.noCredentials': 'sans identifiants' }));
      assert.equal(t('status.noCredentials'), 'keine Zugangsdaten');
    });

    it("the test helper's identity RED._, or a key the translator lacks: our en-US catalogue", () => {
      for (const ns of NODE_FILES) use(ns, (v) => v);
      assert.equal(t('status.noCredentials'), 'no credentials');
      assert.equal(t('status.ok', { status: 200 }), 'HTTP 200');
      assert.equal(t('q2-platform:q2-lookup-user.paletteLabel'), 'Lookup User');
      undo.splice(0).forEach((u) => u());
      use('q2-platform', fake({ 'status.ok': 'HTTP-Status __status__' }));
      assert.equal(t('status.noCredentials'), 'no credentials');
      assert.equal(t('status.ok', { status: 200 }), 'HTTP-Status 200');
    });

    it('an answer that is no text (empty, an object, the namespaced key, a throw) falls back; t() never throws', () => {
      for (const answer of ['', {}, undefined, 'q2-common:status.timeout', '@q2-nodes/node-red-q2/q2-platform:status.timeout']) {
        const restore = useRuntimeI18n('q2-platform', () => answer);
        assert.equal(t('status.timeout'), 'timeout', JSON.stringify(answer));
        restore();
      }
      use('q2-platform', () => {
        throw new Error('broken translator');
      });
      assert.equal(t('status.timeout'), 'timeout');
      assert.equal(t('q2-platform:q2-lookup-user.paletteLabel'), 'Lookup User');
    });

    it('an unknown key comes back as itself, with or without a translator', () => {
      assert.equal(t('status.noSuchStatus'), 'status.noSuchStatus');
      assert.equal(t('q2-nowhere:a.b'), 'q2-nowhere:a.b');
      assert.equal(t('status'), 'status', 'a section is not a text');
      use('q2-platform', () => 'anything');
      assert.equal(t('status.noSuchStatus'), 'status.noSuchStatus');
      assert.equal(t('status'), 'status');
    });

    it('values with <, &, >, quotes, $ and URLs come through unchanged, translated or not', () => {
      const origin = 'http://user:p@127.0.0.1:8080/a/b?x=1&y=<2>';
      const code = `<E&"'$&$1>`;
      assert.equal(t('errors.network', { code, origin }), `network error (${code}) reaching ${origin}`);
      use('q2-platform', fake({ 'errors.network': 'Netzwerkfehler (__code__) & <__origin__>' }));
      assert.equal(t('errors.network', { code, origin }), `Netzwerkfehler (${code}) & <${origin}>`);
      // a placeholder without a value stays as it is; nothing of the prototype is a value
      assert.equal(t('errors.network', { code }), `Netzwerkfehler (${code}) & <__origin__>`);
      assert.equal(t('status.ok', {}), 'HTTP __status__');
      assert.equal(t('errors.network', JSON.parse('{"constructor":"c"}') as Record<string, string>), 'Netzwerkfehler (__code__) & <__origin__>');
    });
  });

  describe('the build: every node file carries the runtime texts', () => {
    it('dist/nodes/locales/en-US/<file>.json = its words + every q2-common.json section but editor and connection', () => {
      const runtime = Object.keys(COMMON).filter((s) => s !== 'editor' && s !== 'connection');
      assert.ok(runtime.includes('status') && runtime.includes('errors'));
      for (const file of NODE_FILES) {
        const words = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'nodes', 'locales', 'en-US', `${file}.json`), 'utf8')) as Record<string, unknown>;
        const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'en-US', `${file}.json`), 'utf8')) as Record<string, unknown>;
        for (const section of runtime) assert.deepEqual(words[section], COMMON[section], `${file}: ${section}`);
        assert.equal(words.editor, undefined, `${file}: no editor section`);
        assert.equal(words.connection, undefined, `${file}: no connection section`);
        // what the editor reads is unchanged: the node file's own sections (a node set's `common` is built from `editor`)
        for (const key of Object.keys(own)) assert.ok(key in words, `${file}: ${key}`);
      }
    });

    it('a node file whose words use a runtime section name fails the build', () => {
      const runtime = runtimeWords({ status: { ok: 'x' }, editor: { a: 'b' }, connection: { c: 'd' } });
      assert.deepEqual(runtime, { status: { ok: 'x' } });
      assert.deepEqual(withRuntimeWords('zz', { zz: { label: 'l' } }, runtime), { zz: { label: 'l' }, status: { ok: 'x' } });
      assert.throws(() => withRuntimeWords('zz', { status: {} }, runtime), /zz\.json has top-level status/);
    });
  });

  describe('in a Node-RED process: the language of the runtime', function () {
    this.timeout(120_000);
    let work: string;
    let userDir: string;
    let collector: Collector<{ text?: string; fill?: string; message?: string; source?: { id?: string } }>;
    let runtime: Runtime | undefined;

    // Dutch, a language Node-RED itself does not ship: its own log stays English, which startNodeRed waits for. The
    // palette label (a namespaced key) prefixes the node's errors.
    const DUTCH = {
      'q2-delete-user': { paletteLabel: 'Gebruiker verwijderen' },
      status: { noCredentials: 'geen inloggegevens', network: 'netwerkfout' },
      errors: { noCredentials: 'de verbinding heeft geen client-id of client-secret', network: 'netwerkfout (__code__) & geen antwoord van <__origin__>' },
    };

    before(async () => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'q2-i18n-'));
      userDir = path.join(work, 'user');
      // the pack as Node-RED finds it, its dist/nodes copied (so a catalogue can be added beside them without touching
      // the checkout) and dist/lib linked to the build
      const pack = path.join(userDir, 'node_modules', ...PKG.name.split('/'));
      fs.mkdirSync(path.join(pack, 'dist'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pack, 'package.json'));
      fs.cpSync(path.join(ROOT, 'dist', 'nodes'), path.join(pack, 'dist', 'nodes'), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'dist', 'lib'), path.join(pack, 'dist', 'lib'), 'junction');
      // a partial translation: one node file's catalogue; the texts it lacks, and the other files, fall back to en-US
      fs.mkdirSync(path.join(pack, 'dist', 'nodes', 'locales', 'nl'));
      fs.writeFileSync(path.join(pack, 'dist', 'nodes', 'locales', 'nl', 'q2-platform.json'), JSON.stringify(DUTCH));
      collector = await startCollector();
    });
    afterEach(() => stopNodeRed(runtime));
    after(async () => {
      await collector?.close();
      fs.rmSync(work, { recursive: true, force: true });
    });

    /**
     * Starts Node-RED, deploys the flow and presses its two buttons: n1's connection has no credentials, n2 brings its
     * own token to a closed port. Resolves with their last statuses and errors, as a `status` and a `catch` node saw
     * them (a status set at deploy, inside the constructor, reaches no `status` node: they are wired up afterwards).
     */
    async function run(options: { settings?: string; env: Record<string, string> }) {
      collector.items.length = 0;
      const rt = (runtime = await startNodeRed(require.resolve('node-red/red.js'), userDir, options));
      const closed = await freePort();
      await deployFlows(rt, [
        { id: 'tab', type: 'tab', label: 'i18n' },
        { id: 'bare', type: 'q2-platform-config', baseUrl: 'http://127.0.0.1:1', apiVersion: 'v2', timeout: 5 },
        {
          id: 'down',
          type: 'q2-platform-config',
          baseUrl: `http://127.0.0.1:${closed}`,
          apiVersion: 'v2',
          timeout: 5,
          credentials: { clientId: 'c', clientSecret: 's' },
        },
        { id: 'go1', z: 'tab', type: 'inject', props: [{ p: 'payload' }], payload: '', payloadType: 'date', wires: [['n1']] },
        { id: 'n1', z: 'tab', type: 'q2-delete-user', connection: 'bare', userID: '3', wires: [[]] },
        { id: 'go2', z: 'tab', type: 'inject', props: [{ p: 'config', v: '{"accessToken":"own-token"}', vt: 'json' }], wires: [['n2']] },
        { id: 'n2', z: 'tab', type: 'q2-delete-user', connection: 'down', userID: '3', wires: [[]] },
        { id: 'st', z: 'tab', type: 'status', scope: ['n1', 'n2'], wires: [['st-set']] },
        { id: 'st-set', z: 'tab', type: 'change', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'status', tot: 'msg' }], wires: [['post']] },
        { id: 'ca', z: 'tab', type: 'catch', scope: ['n1', 'n2'], uncaught: false, wires: [['ca-set']] },
        { id: 'ca-set', z: 'tab', type: 'change', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'error', tot: 'msg' }], wires: [['post']] },
        { id: 'post', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', url: collector.url, wires: [[]] },
      ]);
      const deadline = Date.now() + 15_000;
      const wait = () => new Promise((r) => setTimeout(r, 100));
      // the deploy answers before the new flow has started: press until the inject node is there
      for (const button of ['go1', 'go2']) {
        let press = await fetch(`${rt.url}/inject/${button}`, { method: 'POST' });
        while (press.status === 404 && Date.now() < deadline) {
          await wait();
          press = await fetch(`${rt.url}/inject/${button}`, { method: 'POST' });
        }
        assert.equal(press.status, 200, button);
      }
      const of = (id: string, what: 'text' | 'message') => collector.items.filter((i) => i[what] !== undefined && i.source?.id === id).at(-1);
      const done = () => ['n1', 'n2'].every((id) => of(id, 'message') && of(id, 'text')?.fill === 'red');
      while (!done() && Date.now() < deadline) await wait();
      return {
        n1: { status: of('n1', 'text')?.text, error: of('n1', 'message')?.message },
        n2: { status: of('n2', 'text')?.text, error: of('n2', 'message')?.message },
        origin: `http://127.0.0.1:${closed}`,
        log: rt.log.join('\n'),
      };
    }

    it("settings lang 'nl' (over an English environment): the Dutch statuses and errors, values unescaped", async () => {
      const seen = await run({ settings: `lang: 'nl'`, env: { LC_ALL: 'en_US.UTF-8' } });
      assert.deepEqual(
        seen.n1,
        { status: 'geen inloggegevens', error: 'Gebruiker verwijderen: de verbinding heeft geen client-id of client-secret' },
        seen.log,
      );
      assert.deepEqual(
        seen.n2,
        { status: 'netwerkfout', error: `Gebruiker verwijderen: netwerkfout (ECONNREFUSED) & geen antwoord van <${seen.origin}>` },
        seen.log,
      );
    });

    it('LC_ALL=nl_NL.UTF-8 and no lang setting: Dutch', async () => {
      const seen = await run({ env: { LC_ALL: 'nl_NL.UTF-8' } });
      assert.deepEqual(
        seen.n1,
        { status: 'geen inloggegevens', error: 'Gebruiker verwijderen: de verbinding heeft geen client-id of client-secret' },
        seen.log,
      );
      assert.equal(seen.n2.error, `Gebruiker verwijderen: netwerkfout (ECONNREFUSED) & geen antwoord van <${seen.origin}>`, seen.log);
    });

    it('an English environment: the English texts (not keys), the Dutch catalogue notwithstanding', async () => {
      const seen = await run({ env: { LC_ALL: 'en_US.UTF-8' } });
      assert.deepEqual(seen.n1, { status: 'no credentials', error: 'Delete User: the connection has no client id or client secret' }, seen.log);
      assert.deepEqual(seen.n2, { status: 'network error', error: `Delete User: network error (ECONNREFUSED) reaching ${seen.origin}` }, seen.log);
    });
  });
});
