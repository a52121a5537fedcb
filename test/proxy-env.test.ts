/**
 * proxy-env.ts decides as Node-RED core's http request node does (proxyHelper.js): the rules one by one, then
 * the port against core's own helper on generated environments, URLs and proxyOptions settings.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { ProxyEnv, proxyForUrl, proxyMode, proxyNodeEnv, ProxyOptions, snapshotProxyEnv } from '../lib/connection/proxy-env';

type CoreGetProxyForUrl = (url: string, options?: ProxyOptions & { env?: ProxyEnv }) => string;

/** Core's helper, from the Node-RED the tests run. */
function coreHelper(): CoreGetProxyForUrl {
  const nodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve('node-red/package.json'))] }));
  const mod = require(path.join(nodesDir, 'core', 'network', 'lib', 'proxyHelper.js')) as { getProxyForUrl?: unknown };
  if (typeof mod.getProxyForUrl !== 'function') throw new Error('core proxyHelper has no getProxyForUrl');
  return mod.getProxyForUrl as CoreGetProxyForUrl;
}

const P = 'http://proxy.corp:3128';
const Q = 'http://other.corp:8080';

describe('proxy-env: the proxy of a URL, as core decides', () => {
  describe('which variable', () => {
    const cases: [string, string, ProxyEnv, string][] = [
      ['https URL: HTTPS_PROXY', 'https://api.q2.com/v2', { HTTPS_PROXY: P, HTTP_PROXY: Q }, P],
      ['http URL: HTTP_PROXY', 'http://api.q2.com/v2', { HTTPS_PROXY: Q, HTTP_PROXY: P }, P],
      ['https URL: no fall-back to HTTP_PROXY', 'https://api.q2.com/v2', { HTTP_PROXY: Q }, ''],
      ['http URL: no fall-back to HTTPS_PROXY', 'http://api.q2.com/v2', { HTTPS_PROXY: Q }, ''],
      ['lower case wins over upper case', 'https://api.q2.com', { https_proxy: P, HTTPS_PROXY: Q }, P],
      ['an empty lower case value counts as unset', 'https://api.q2.com', { https_proxy: '', HTTPS_PROXY: P }, P],
      ['ALL_PROXY when no https_proxy', 'https://api.q2.com', { ALL_PROXY: P }, P],
      ['https_proxy before all_proxy', 'https://api.q2.com', { all_proxy: Q, HTTPS_PROXY: P }, P],
      ['npm_config_https_proxy first', 'https://api.q2.com', { npm_config_https_proxy: P, https_proxy: Q }, P],
      ['npm_config_proxy before all_proxy', 'https://api.q2.com', { npm_config_proxy: P, all_proxy: Q }, P],
      ['credentials kept as given', 'https://api.q2.com', { HTTPS_PROXY: 'http://u%40x:p%3Aw@proxy.corp:3128' }, 'http://u%40x:p%3Aw@proxy.corp:3128'],
      ['nothing set: direct', 'https://api.q2.com', {}, ''],
    ];
    for (const [what, url, env, expected] of cases) {
      it(what, () => assert.equal(proxyForUrl(url, env), expected));
    }
  });

  describe('proxyOptions (settings.js)', () => {
    const env = { https_proxy: Q, HTTPS_PROXY: P, npm_config_https_proxy: 'http://npm.corp:1' };
    it('favourUpperCase', () => assert.equal(proxyForUrl('https://a.com', { https_proxy: Q, HTTPS_PROXY: P }, { favourUpperCase: true }), P));
    it('lowerCaseOnly', () => assert.equal(proxyForUrl('https://a.com', { HTTPS_PROXY: P }, { lowerCaseOnly: true }), ''));
    it('excludeNpm', () => assert.equal(proxyForUrl('https://a.com', env, { excludeNpm: true }), Q));
    it('NR_PROXY_MODE overrides the setting', () => {
      assert.equal(proxyMode({ NR_PROXY_MODE: 'legacy' }, { mode: 'strict' }), 'legacy');
      assert.equal(proxyMode({ nr_proxy_mode: 'strict', NR_PROXY_MODE: 'legacy' }, { mode: 'legacy' }), 'strict');
      assert.equal(proxyMode({ NR_PROXY_MODE: 'other' }, { mode: 'legacy' }), 'legacy');
      assert.equal(proxyMode({}), 'strict');
    });
  });

  describe('no_proxy', () => {
    const exempt = (url: string, noProxy: string, key = 'NO_PROXY') => proxyForUrl(url, { HTTPS_PROXY: P, HTTP_PROXY: P, [key]: noProxy }) === '';
    const cases: [string, string, boolean][] = [
      ['https://bank.com', 'bank.com', true],
      // core differs from curl here: a bare entry is that host only (curl: also its subdomains)
      ['https://api.bank.com', 'bank.com', false],
      ['https://api.bank.com', '.bank.com', true],
      // and here: a leading dot does not match the domain itself (curl strips the dot)
      ['https://bank.com', '.bank.com', false],
      ['https://api.bank.com', '*.bank.com', true],
      ['https://bank.com', '*.bank.com', false],
      ['https://mybank.com', '*bank.com', true],
      ['https://API.Bank.COM', 'api.bank.com', true],
      ['https://api.bank.com', 'API.BANK.COM', true],
      ['https://anything.example', '*', true],
      ['https://anything.example', 'bank.com,*', true],
      ['https://bank.com', 'other.com, bank.com', true],
      ['https://bank.com', 'other.com bank.com', true],
      ['https://bank.com', 'other.com,,', false],
      ['https://bank.com', 'bank.com:443', true],
      ['https://bank.com:8443', 'bank.com:443', false],
      ['https://bank.com:8443', 'bank.com:8443', true],
      ['http://bank.com', 'bank.com:80', true],
      ['https://10.1.2.3', '10.1.2.3', true],
      // no CIDR ranges (curl has them)
      ['https://10.1.2.3', '10.0.0.0/8', false],
      ['https://[::1]:8443', '[::1]', true],
      ['https://[::1]:8443', '::1', false],
    ];
    for (const [url, noProxy, expected] of cases) {
      it(`${url} with NO_PROXY=${noProxy}: ${expected ? 'direct' : 'proxied'}`, () => assert.equal(exempt(url, noProxy), expected));
    }
    it('no_proxy (lower case) before NO_PROXY', () => {
      assert.equal(proxyForUrl('https://bank.com', { HTTPS_PROXY: P, no_proxy: 'other.com', NO_PROXY: 'bank.com' }), P);
      assert.equal(exempt('https://bank.com', 'bank.com', 'no_proxy'), true);
    });
  });

  describe('legacy mode (Node-RED 3.0)', () => {
    const legacy: ProxyOptions = { mode: 'legacy' };
    it('HTTP_PROXY for https URLs too, upper case first', () => assert.equal(proxyForUrl('https://a.com', { http_proxy: Q, HTTP_PROXY: P }, legacy), P));
    it('HTTPS_PROXY is not read', () => assert.equal(proxyForUrl('https://a.com', { HTTPS_PROXY: P }, legacy), ''));
    it('NO_PROXY: any entry found in the URL text', () => assert.equal(proxyForUrl('https://a.com/bank', { HTTP_PROXY: P, NO_PROXY: 'bank' }, legacy), ''));
    it('NO_PROXY with an empty entry exempts everything', () => assert.equal(proxyForUrl('https://a.com', { HTTP_PROXY: P, NO_PROXY: 'x.com,' }, legacy), ''));
  });

  describe('a proxy without a scheme (the one deliberate difference)', () => {
    it('is taken as http://, for https URLs too', () => {
      assert.equal(proxyForUrl('https://a.com', { HTTPS_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128');
      assert.equal(proxyForUrl('http://a.com', { HTTP_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128');
      assert.equal(proxyForUrl('https://a.com', { HTTP_PROXY: 'proxy.corp:3128' }, { mode: 'legacy' }), 'http://proxy.corp:3128');
    });
    it('where core uses the scheme of the request (TLS to the proxy for an https URL)', function () {
      // core reads NR_PROXY_MODE when loaded: legacy mode has no such rule
      if (proxyMode(process.env) !== 'strict') this.skip();
      assert.equal(coreHelper()('https://a.com', { env: { HTTPS_PROXY: 'proxy.corp:3128' } }), 'https://proxy.corp:3128');
    });
  });

  describe('the environment is copied', () => {
    it('the proxy variables in both cases, nothing else', () => {
      const env = { HTTPS_PROXY: P, no_proxy: 'a', npm_config_proxy: Q, NPM_CONFIG_NO_PROXY: 'b', HOME: '/root', SECRET: 'x' };
      assert.deepEqual(snapshotProxyEnv(env), { HTTPS_PROXY: P, no_proxy: 'a', npm_config_proxy: Q, NPM_CONFIG_NO_PROXY: 'b' });
    });
    it('later changes do not count', () => {
      const env: NodeJS.ProcessEnv = { HTTPS_PROXY: P };
      const copy = snapshotProxyEnv(env);
      env.HTTPS_PROXY = Q;
      env.NO_PROXY = '*';
      assert.equal(proxyForUrl('https://a.com', copy), P);
    });
    it('a proxy node stands in for the environment: its URL for both schemes, its no-proxy list', () => {
      const env = proxyNodeEnv(P, ['bank.com', '.corp']);
      assert.equal(proxyForUrl('https://a.com', env), P);
      assert.equal(proxyForUrl('http://a.com', env), P);
      assert.equal(proxyForUrl('https://bank.com', env), '');
      assert.equal(proxyForUrl('https://x.corp', env), '');
    });
  });

  it('agrees with core’s helper on generated environments, URLs and settings', () => {
    const core = coreHelper();
    const names = ['http_proxy', 'https_proxy', 'all_proxy', 'npm_config_http_proxy', 'npm_config_https_proxy', 'npm_config_proxy'].flatMap((n) => [
      n,
      n.toUpperCase(),
    ]);
    const noProxyNames = ['no_proxy', 'NO_PROXY', 'npm_config_no_proxy', 'NPM_CONFIG_NO_PROXY'];
    const proxies = fc.constantFrom('', 'http://p1.corp:3128', 'https://p2.corp:8443', 'http://u%40x:p%3Aw@p3.corp:1', 'http://P4.corp');
    const entry = fc.constantFrom(
      'bank.com',
      '.bank.com',
      '*.bank.com',
      '*bank.com',
      'BANK.COM',
      '*',
      'bank.com:443',
      '.bank.com:8443',
      '*:80',
      '127.0.0.1',
      '[::1]',
      '::1',
      'localhost:80',
      'com',
      '',
      'api.bank.com:8443',
    );
    const separator = fc.constantFrom(',', ', ', ' ', ',,', '\t');
    const noProxy = fc.tuple(fc.array(entry, { maxLength: 4 }), separator).map(([entries, sep]) => entries.join(sep));
    const env = fc
      .tuple(fc.dictionary(fc.constantFrom(...names), proxies), fc.dictionary(fc.constantFrom(...noProxyNames), noProxy))
      .map(([a, b]) => ({ ...a, ...b }));
    const url = fc
      .tuple(
        fc.constantFrom('http', 'https'),
        fc.constantFrom('bank.com', 'api.bank.com', 'mybank.com', 'API.Bank.com', '127.0.0.1', '[::1]', 'localhost', 'x.com'),
        fc.constantFrom('', ':80', ':443', ':8443', ':3128'),
        fc.constantFrom('/', '/v2/bank.com?q=1'),
      )
      .map(([scheme, host, port, rest]) => `${scheme}://${host}${port}${rest}`);
    const options = fc.record(
      { mode: fc.constantFrom<'strict' | 'legacy'>('strict', 'legacy'), favourUpperCase: fc.boolean(), lowerCaseOnly: fc.boolean(), excludeNpm: fc.boolean() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(url, env, options, (target, vars, opts) => {
        // core reads its NR_PROXY_MODE override at load; apply the same one here
        const mine = proxyForUrl(target, vars, { ...opts, mode: proxyMode(process.env, opts) });
        assert.equal(mine, core(target, { ...opts, env: vars }), `${target} ${JSON.stringify(vars)} ${JSON.stringify(opts)}`);
      }),
      { numRuns: 3000 },
    );
  });
});
