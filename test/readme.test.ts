/**
 * The README's tables of nodes and msg.config keys are generated from the operation tables and their words
 * (lib/build/readme.ts); this fails when they are stale, so a new operation or parameter cannot be left out.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { configTable, markdown, nodesTable, README, readmeSections, withSections } from '../lib/build/readme';
import { nodeParams, nodeSpecs } from '../lib/model/node-set';
import { NODE_SETS } from '../lib/model/registry';

describe('README tables generated from the operation tables', () => {
  it('are up to date (run `npm run readme` after changing an operation, a parameter or their words)', () => {
    const text = fs.readFileSync(README, 'utf8');
    assert.equal(withSections(text, readmeSections()), text);
  });

  it('list every node type and every msg.config key of every node set', () => {
    const nodes = nodesTable();
    for (const set of NODE_SETS) {
      const keys = configTable(set);
      for (const spec of nodeSpecs(set)) {
        assert.match(nodes, new RegExp(`\\| \`${spec.type}\` \\|`), spec.type);
        for (const p of nodeParams(spec)) assert.match(keys, new RegExp(`^\\| \`${p.key}\` \\|`, 'm'), `${spec.type}: ${p.key}`);
      }
    }
  });

  it('a missing marker or word is an error, and help HTML becomes one Markdown line', () => {
    assert.throws(() => withSections('no markers', { 'nodes-table': 'x' }), /q2:nodes-table/);
    assert.equal(markdown('<p>Use <code>a|b</code>\n here</p>'), 'Use `a\\|b` here');
  });
});
