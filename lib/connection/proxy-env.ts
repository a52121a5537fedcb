/**
 * Which proxy a request goes through, decided as Node-RED's core `http request` node decides it: a port of
 * `getProxyForUrl` in @node-red/nodes `core/network/lib/proxyHelper.js` (Node-RED 3.1 to 4.1; itself Rob Wu's
 * proxy-from-env, adapted), with the same `proxyOptions` setting (settings.js) and `NR_PROXY_MODE` override.
 *
 * Strict mode (the default):
 * - the proxy of a `proto:` URL is the first set of `npm_config_{proto}_proxy`, `{proto}_proxy`, `npm_config_proxy`,
 *   `all_proxy`: an https URL never falls back to `http_proxy`.
 * - each name is looked up lower case first, then upper case (`https_proxy` wins over `HTTPS_PROXY`; an empty
 *   value counts as unset); `favourUpperCase` reverses that, `lowerCaseOnly` ignores upper case, `excludeNpm`
 *   ignores the `npm_config_*` names.
 * - `no_proxy` (`npm_config_no_proxy` first) is lower-cased and split at commas and white space. An entry exempts
 *   the URL when: it is `*` (alone: nothing is proxied; as one entry it also matches every host); or, after an
 *   optional `:port` (which must equal the URL's port, default 80/443), it is the URL's host exactly; or it starts
 *   with `.` or `*` and the host ends with it (the `*` dropped): `.bank.com` and `*.bank.com` match
 *   `api.bank.com` but not `bank.com`, `*bank.com` matches `bank.com` and `mybank.com`. IPv6 hosts keep their
 *   brackets (`[::1]`). No CIDR ranges.
 *   Where curl differs: curl's `bank.com` also matches every subdomain and its `.bank.com` also matches
 *   `bank.com` itself; core (so this pack) matches `bank.com` exactly. curl takes CIDR ranges and only a lone `*`.
 *
 * Legacy mode (`proxyOptions.mode: 'legacy'` or `NR_PROXY_MODE=legacy`, Node-RED 3.0's rules): `HTTP_PROXY`
 * (else `http_proxy`) for every URL, https too; `NO_PROXY` (else `no_proxy`) split at commas, an entry exempts the
 * URL when it occurs anywhere in the URL text (so an empty entry, e.g. a trailing comma, exempts everything).
 *
 * One deliberate difference: a proxy given without a scheme (`proxy.corp:3128`) is taken as `http://` (as curl
 * does). Core gives it the scheme of the request, so for an https URL it would speak TLS to the proxy, which a
 * plain corporate proxy refuses; legacy core would not parse it at all.
 */

/** Node-RED's `proxyOptions` setting (settings.js), as core's http request node reads it. */
export interface ProxyOptions {
  mode?: 'strict' | 'legacy';
  favourUpperCase?: boolean;
  lowerCaseOnly?: boolean;
  excludeNpm?: boolean;
}

/** The variables the decision reads (a copy taken at deploy, or the stand-in of a proxy config node). */
export type ProxyEnv = Readonly<Record<string, string | undefined>>;

/** The variables a proxy is read from (each also in upper case). */
export const PROXY_ENV_NAMES = [
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
  'npm_config_http_proxy',
  'npm_config_https_proxy',
  'npm_config_proxy',
  'npm_config_no_proxy',
];

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443 };

/** A copy of the proxy variables of `env` (both cases), so later changes to the environment do not count. */
export function snapshotProxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv {
  const copy: Record<string, string> = {};
  for (const name of PROXY_ENV_NAMES) {
    for (const key of [name, name.toUpperCase()]) {
      const value = env[key];
      if (value !== undefined) copy[key] = value;
    }
  }
  return copy;
}

/** What core puts in place of the environment when a `http proxy` config node is chosen. */
export function proxyNodeEnv(url: string, noproxy: readonly string[]): ProxyEnv {
  return { no_proxy: noproxy.join(','), http_proxy: url, https_proxy: url };
}

/** The mode in force: `NR_PROXY_MODE` (`legacy` or `strict`, lower-case name first) overrides the setting. */
export function proxyMode(env: NodeJS.ProcessEnv, options: ProxyOptions = {}): 'strict' | 'legacy' {
  const override = env.nr_proxy_mode || env.NR_PROXY_MODE || '';
  if (override === 'legacy' || override === 'strict') return override;
  return options.mode === 'legacy' ? 'legacy' : 'strict';
}

function getEnv(key: string, env: ProxyEnv, options: ProxyOptions): string {
  if (options.excludeNpm === true && key.startsWith('npm_config_')) return '';
  const lower = env[key.toLowerCase()];
  const upper = env[key.toUpperCase()];
  if (options.lowerCaseOnly === true) return lower || '';
  if (options.favourUpperCase === true) return upper || lower || '';
  return lower || upper || '';
}

/** True unless `no_proxy` exempts the host (with brackets for IPv6) and port. */
function shouldProxy(hostname: string, port: number, env: ProxyEnv, options: ProxyOptions): boolean {
  const noProxy = (getEnv('npm_config_no_proxy', env, options) || getEnv('no_proxy', env, options)).toLowerCase();
  if (!noProxy) return true;
  if (noProxy === '*') return false;
  return noProxy.split(/[,\s]/).every((entry) => {
    if (!entry) return true;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    let ruleHost = withPort ? withPort[1] : entry;
    const rulePort = withPort ? parseInt(withPort[2], 10) : 0;
    if (rulePort && rulePort !== port) return true;
    if (!/^[.*]/.test(ruleHost)) return hostname !== ruleHost;
    if (ruleHost.startsWith('*')) ruleHost = ruleHost.slice(1);
    return !hostname.endsWith(ruleHost);
  });
}

function legacyProxyFor(url: string, env: ProxyEnv): string {
  const proxy = env.HTTP_PROXY || env.http_proxy || '';
  const noProxy = env.NO_PROXY || env.no_proxy;
  const exempt = noProxy ? noProxy.split(',').some((entry) => url.includes(entry.trim())) : false;
  return proxy && !exempt ? proxy : '';
}

/**
 * The proxy URL (as configured, credentials included) for a request to `url`, or '' to connect directly.
 * `options.mode` is taken as given (see proxyMode for the override).
 */
export function proxyForUrl(url: string, env: ProxyEnv, options: ProxyOptions = {}): string {
  let proxy: string;
  if (options.mode === 'legacy') {
    proxy = legacyProxyFor(url, env);
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return '';
    }
    const proto = parsed.protocol.split(':', 1)[0];
    if (!parsed.host || !proto) return '';
    // host rather than hostname keeps the brackets of an IPv6 address, as core does
    const hostname = parsed.host.replace(/:\d*$/, '');
    const port = parseInt(parsed.port, 10) || DEFAULT_PORTS[proto] || 0;
    if (!shouldProxy(hostname, port, env, options)) return '';
    proxy =
      getEnv(`npm_config_${proto}_proxy`, env, options) ||
      getEnv(`${proto}_proxy`, env, options) ||
      getEnv('npm_config_proxy', env, options) ||
      getEnv('all_proxy', env, options);
  }
  // see the header: http://, where core would use the request's scheme
  return proxy && !proxy.includes('://') ? `http://${proxy}` : proxy;
}
