/**
 * The README's tables of nodes and of `msg.config` keys, generated from the operation tables and their words
 * (`npm run readme` writes them between the README's `<!-- q2:… -->` markers; test/readme.test.ts fails when they
 * are stale). Nothing here is written by hand: a new operation or parameter shows up with its words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NodeSet, nodeSpecs } from '../model/node-set';
import { HAND_WRITTEN_NODES, NODE_SETS } from '../model/registry';
import { need, readJson, readWords, word } from './editor';
import { platformNodeSet } from '../platform/node-set';
import { isSafeRead, operationId } from '../request/build';

const root = path.resolve(__dirname, '..', '..', '..');
export const README = path.join(root, 'README.md');

/** Help text as Markdown: `<code>x</code>` → `x`, other tags dropped, pipes escaped, one line. */
export function markdown(html: string): string {
  return html
    .replace(/<code>(.*?)<\/code>/g, '`$1`')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\|/g, '\\|')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The row of a node with a locale file of its own (a connection, a hand-written node). */
function ownRow(type: string): string {
  const own = readJson(`${type}.json`);
  return `| ${need(own, `${type}.paletteLabel`, type)} | \`${type}\` | ${markdown(need(own, `${type}.summary`, type))} |`;
}

/** Node | Type id | What it does: every connection, operation node, resource node (with its operations) and hand-written node. */
export function nodesTable(sets: readonly NodeSet[] = NODE_SETS): string {
  const rows = ['| Node | Type id | What it does |', '|---|---|---|'];
  for (const set of sets) {
    const words = readWords(set.namespace);
    rows.push(ownRow(set.connectionType));
    for (const spec of nodeSpecs(set)) {
      const label = need(words, `${spec.type}.paletteLabel`, set.namespace);
      let summary = markdown(need(words, `${spec.type}.summary`, set.namespace));
      if (spec.selectable) summary += ` Operations: ${spec.operations.map((op) => `\`${op.name}\``).join(', ')}.`;
      rows.push(`| ${label} | \`${spec.type}\` | ${summary} |`);
    }
  }
  for (const type of HAND_WRITTEN_NODES) rows.push(ownRow(type));
  return rows.join('\n');
}

/** Key | Nodes (or operations) | Type | What it sets: every msg.config key of a node set, from its params and their help. */
export function configTable(set: NodeSet): string {
  const words = readWords(set.namespace);
  const specs = nodeSpecs(set);
  const single = specs.length === 1 && specs[0].selectable;
  const byKey = new Map<string, { users: string[]; type: string; help: string }>();
  for (const spec of specs) {
    const label = need(words, `${spec.type}.paletteLabel`, set.namespace);
    for (const op of spec.operations) {
      for (const p of op.params) {
        const user = single ? `\`${op.name}\`` : label;
        const entry = byKey.get(p.key);
        if (entry) {
          if (!entry.users.includes(user)) entry.users.push(user);
          continue;
        }
        // a key several nodes share is described by the set's common words when it has them
        const help = word(words, `common.params.${p.key}.help`) ?? word(words, `${spec.type}.params.${p.key}.help`) ?? '';
        const type = markdown(need(words, `common.types.${p.type}`, 'q2-common'));
        byKey.set(p.key, { users: [user], type, help: markdown(help) });
      }
    }
  }
  const rows = [`| Key | ${single ? 'Operations' : 'Nodes'} | Type | What it sets |`, '|---|---|---|---|'];
  if (specs.some((s) => s.selectable)) rows.push(`| \`operation\` | all | string | The operation (the node's *Operation*). |`);
  if (set.family.userTokens) {
    const users = specs.filter((s) => s.operations.some((op) => op.auth === 'connection')).map((s) => need(words, `${s.type}.paletteLabel`, set.namespace));
    rows.push(`| \`accessToken\` | ${users.join(', ')} | string | ${markdown(need(words, 'common.help.accessToken', set.namespace))} |`);
  }
  for (const [key, entry] of byKey) {
    const all = single ? specs[0].operations.length : specs.length;
    const users = entry.users.length === all ? 'all' : entry.users.join(', ');
    rows.push(`| \`${key}\` | ${users} | ${entry.type} | ${entry.help} |`);
  }
  return rows.join('\n');
}

/**
 * Operation id | Node | Request | Retried | What it does: every Q2 Platform (Caliper) operation the pack sends, by its
 * operation id (the seed's eight on their own nodes, the others on the resource nodes).
 */
export function caliperTable(set: NodeSet = platformNodeSet): string {
  const words = readWords(set.namespace);
  const rows = ['| Operation id | Node | Request | Retried | What it does |', '|---|---|---|---|---|'];
  for (const spec of nodeSpecs(set)) {
    const label = need(words, `${spec.type}.paletteLabel`, set.namespace);
    for (const op of spec.operations) {
      const id = operationId(op) ?? '';
      const method = op.methodParam ? 'any' : op.method;
      const path = op.path.replace('{apiVersion}', 'v2');
      const what = spec.selectable
        ? need(words, `${spec.type}.operations.${op.name}.summary`, set.namespace)
        : need(words, `${spec.type}.summary`, set.namespace);
      const retried = op.methodParam ? 'GET only' : isSafeRead(op) ? 'yes (a read)' : 'never (a write)';
      rows.push(`| \`${id}\` | ${label} | \`${method} ${path}\` | ${retried} | ${markdown(what)} |`);
    }
  }
  return rows.join('\n');
}

/** The generated sections, by marker name. */
export function readmeSections(): Record<string, string> {
  const sections: Record<string, string> = { 'nodes-table': nodesTable(), 'caliper-operations': caliperTable() };
  for (const set of NODE_SETS) sections[`config-${set.namespace}`] = configTable(set);
  return sections;
}

/** `text` with each `<!-- q2:NAME -->…<!-- /q2:NAME -->` section replaced; a missing marker is an error. */
export function withSections(text: string, sections: Record<string, string>): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const pattern = new RegExp(`(<!-- q2:${name} -->\\n)[\\s\\S]*?(<!-- /q2:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`README.md has no <!-- q2:${name} --> … <!-- /q2:${name} --> section`);
    out = out.replace(pattern, (_whole, open: string, close: string) => `${open}${body}\n${close}`);
  }
  return out;
}

if (require.main === module) {
  const current = fs.readFileSync(README, 'utf8');
  fs.writeFileSync(README, withSections(current, readmeSections()));
}
