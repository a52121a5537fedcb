// Lint: typescript-eslint's type-checked recommended rules over the TypeScript sources (lib, nodes, test, bench).
// Formatting is prettier's job (npm run format), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.node-red/**', '.tmp/**', 'coverage/**', 'test-artifacts/**', 'nodes/**/*.html', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // unused values are errors, except names that say so (`_dropped`) and rest siblings used to omit a key
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Node-RED modules are CommonJS: `export =` and `import x = require()` are how they are written
      '@typescript-eslint/no-require-imports': 'off',
      // a node's constructor keeps `this` as `node` for its closures (Node-RED's own style)
      // it misfires where an assertion steers a generic's inference (RED.nodes.getNode(id) as ConnectionNode)
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node', 'self'] }],
    },
  },
  {
    // tests: mocha's describe/it callbacks and node-red-node-test-helper's untyped API
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // sinon spies are read as methods of the node they spy on
      '@typescript-eslint/unbound-method': 'off',
      // mocha hooks and helpers keep the async signature their callers expect
      '@typescript-eslint/require-await': 'off',
    },
  },
);
