/**
 * Runtime texts (statuses, errors, log lines) through Node-RED's i18n, with our own en-US catalogue beneath.
 *
 * Every node file hands over its `RED._` (useRuntimeI18n). In the runtime that function is scoped to the file's node
 * set — i18next namespace `<package>/<file>`, catalogue `dist/nodes/locales/<lang>/<file>.json` beside
 * `dist/nodes/<file>.js` — and answers in Node-RED's language (settings `lang`, else LC_ALL / LC_MESSAGES / LANG, with
 * en-US as the fallback). `t('ns:key')` asks the translator of node file `ns`; a key without a namespace (q2-common)
 * asks each translator in turn and takes the first that translates it, since the build merges q2-common.json's runtime
 * sections into every node file's catalogue. When no translator has the text (it returns the key, as does
 * node-red-node-test-helper's identity `RED._`), or none was handed over (unit use), the text comes from
 * locales/en-US (copied beside the compiled nodes by the build).
 *
 * The runtime's text is fetched raw and its `__name__` placeholders are filled here, as for our own: values are never
 * HTML-escaped, nested (`$t(…)`) or read as i18next options (`count`, `context`, `lng`…). t() never throws.
 */
import fs from 'node:fs';
import path from 'node:path';

type Catalogue = { [key: string]: string | Catalogue };

/** The catalogue of keys without a namespace. */
const COMMON = 'q2-common';

const catalogues = new Map<string, Catalogue>();

/** A node file's `RED._` (in the runtime, scoped to that file's node set). */
export type RuntimeTranslate = (key: string, options?: Record<string, string | number>) => unknown;

/** by node file (= locale namespace), in the order they were handed over */
const translators = new Map<string, RuntimeTranslate>();

/**
 * The stored text each key of our catalogue resolved to, placeholders unfilled: Node-RED fixes its language at start,
 * so only a new translator changes it (an uncached common key asks every node file: tens of µs).
 */
const resolved = new Map<string, string>();

/**
 * i18next's option for the stored text as it is, placeholders included (@types/node-red declares only substitutions).
 * Without it, i18next would fill `__name__` itself and read our values as options.
 */
const RAW = { skipInterpolation: true } as unknown as Record<string, string | number>;

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
    try {
      catalogue = JSON.parse(fs.readFileSync(path.join(localesDir(), `${namespace}.json`), 'utf8')) as Catalogue;
    } catch {
      catalogue = {}; // no such catalogue: its keys come back as themselves
    }
    catalogues.set(namespace, catalogue);
  }
  return catalogue;
}

/** Our own en-US text of a key, if it has one. */
function ownText(namespace: string, key: string): string | undefined {
  let node: string | Catalogue | undefined = load(namespace);
  for (const part of key.split('.')) {
    node = typeof node === 'object' ? node[part] : undefined;
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * Hands the runtime translator of node file `namespace` (e.g. `q2-platform`) to t(); called by every node file with
 * its `RED._`. A later call for the same file replaces it (node-red-node-test-helper loads the files again for every
 * flow). Returns a function that puts back what was there before (for tests).
 */
export function useRuntimeI18n(namespace: string, translate: RuntimeTranslate): () => void {
  const previous = translators.get(namespace);
  if (typeof translate === 'function') translators.set(namespace, translate);
  resolved.clear();
  return () => {
    if (previous) translators.set(namespace, previous);
    else translators.delete(namespace);
    resolved.clear();
  };
}

/** The runtime's text for `key`, or undefined when it has none: the key itself came back, or nothing usable. */
function runtimeText(translate: RuntimeTranslate, key: string): string | undefined {
  try {
    const text = translate(key, RAW);
    return typeof text === 'string' && text !== '' && text !== key && !text.endsWith(`:${key}`) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The runtime's translation of a key our catalogue has (`english`), if any translator has one. */
function translated(namespace: string, key: string, english: string): string | undefined {
  if (namespace !== COMMON) {
    const translate = translators.get(namespace);
    return translate && runtimeText(translate, key);
  }
  // every node file's catalogue carries the common keys, but a translation may cover only some files: the first
  // that differs from English wins (the others answer in the fallback language, en-US)
  for (const translate of translators.values()) {
    const text = runtimeText(translate, key);
    if (text !== undefined && text !== english) return text;
  }
  return undefined;
}

function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/__(\w+)__/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/**
 * Looks up a dotted key (`q2-platform:q2-lookup-user.paletteLabel`; without a namespace, q2-common) in Node-RED's
 * language, else in en-US, and fills `__name__` placeholders (Node-RED's own placeholder style) with `vars`, unescaped.
 * An unknown key comes back as itself.
 */
export function t(qualifiedKey: string, vars: Record<string, string | number> = {}): string {
  try {
    let text = resolved.get(qualifiedKey);
    if (text === undefined) {
      const colon = qualifiedKey.indexOf(':');
      const namespace = colon === -1 ? COMMON : qualifiedKey.slice(0, colon);
      const key = colon === -1 ? qualifiedKey : qualifiedKey.slice(colon + 1);
      const english = ownText(namespace, key);
      text = english === undefined ? qualifiedKey : (translated(namespace, key, english) ?? english);
      // only keys the catalogue has: a bounded set
      if (english !== undefined) resolved.set(qualifiedKey, text);
    }
    return fill(text, vars);
  } catch {
    return String(qualifiedKey);
  }
}
