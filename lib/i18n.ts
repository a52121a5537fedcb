/**
 * Runtime message catalogue. Node-RED's RED._ is scoped per node set (and is the identity function under
 * node-red-node-test-helper), so runtime errors and status texts come from our own en-US catalogue:
 * locales/en-US/q2-common.json, copied beside the compiled nodes by the build.
 */
import fs from 'node:fs';
import path from 'node:path';

type Catalogue = { [key: string]: string | Catalogue };

const catalogues = new Map<string, Catalogue>();

/** Where the en-US catalogues are: beside the built nodes (dist/nodes/locales) or in the source tree. */
export function localesDir(): string {
  const candidates = [path.join(__dirname, '..', 'nodes', 'locales', 'en-US'), path.join(__dirname, '..', '..', 'locales', 'en-US')];
  const dir = candidates.find((d) => fs.existsSync(path.join(d, 'q2-common.json')));
  if (!dir) throw new Error('q2: locales/en-US/q2-common.json not found');
  return dir;
}

function load(namespace: string): Catalogue {
  let catalogue = catalogues.get(namespace);
  if (!catalogue) {
    catalogue = JSON.parse(fs.readFileSync(path.join(localesDir(), `${namespace}.json`), 'utf8')) as Catalogue;
    catalogues.set(namespace, catalogue);
  }
  return catalogue;
}

/**
 * Looks up a dotted key (`q2-platform:q2-lookup-user.paletteLabel`; without a namespace, q2-common) and fills
 * `__name__` placeholders (Node-RED's own placeholder style). An unknown key comes back as itself.
 */
export function t(qualifiedKey: string, vars: Record<string, string | number> = {}): string {
  const [namespace, key] = qualifiedKey.includes(':') ? qualifiedKey.split(':', 2) : ['q2-common', qualifiedKey];
  let node: string | Catalogue | undefined = load(namespace);
  for (const part of key.split('.')) {
    node = typeof node === 'object' ? node[part] : undefined;
  }
  const text = typeof node === 'string' ? node : qualifiedKey;
  return text.replace(/__(\w+)__/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
