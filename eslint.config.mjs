// ESLint: the recommended rules (not the type-checked ones, so a run takes seconds) and
// the import rules of docs/ARCHITECTURE.md. The boundaries use ESLint's own
// no-restricted-imports with a regular expression over the import's path segments: every
// top-level folder name (collector, viewer, storage, common, cmd) is unique in the tree,
// so a segment with that name can only mean that folder. A resolver-based plugin
// (eslint-plugin-import's no-restricted-paths) would say the same with two more
// dependencies and a TypeScript resolver; tests/unit/lint-boundaries.test.ts shows the
// rules refusing each wrong import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/** One restriction: imports whose path has a segment matching `segments` (a regex alternation). */
const refuse = (segments, message) => ({ regex: `(^|/)(${segments})(/|$)`, message });

const SVELTE = ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'];

const NOT_CMD = refuse('cmd', 'cmd/ is the composition root: nothing imports it (see docs/ARCHITECTURE.md).');

/** no-restricted-imports for the files of one folder. */
const boundary = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.scratch/**', 'data/**', 'tests/e2e/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Its rule set comes without a `files` key; scoped here so that it does not run on plain scripts.
  ...svelte.configs.recommended.map((c) => (c.files || c.plugins ? c : { ...c, files: SVELTE })),
  {
    rules: {
      // Express error handlers need their fourth parameter; `_name` marks such a parameter.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: SVELTE,
    languageOptions: { parserOptions: { parser: tseslint.parser }, globals: globals.browser },
    rules: {
      // It asks for SvelteSet/SvelteURL wherever a Set or URL is built, also for values local to a
      // function that nothing observes (query strings being assembled, a walk's visited set).
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    // Node scripts (benchmarks, test set-up, deploy's health check) in CommonJS.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  // The benchmark of the viewer and the screenshot tour run functions in Chromium through page.evaluate.
  { files: ['tests/bench/viewer.js', 'scripts/tour.js'], languageOptions: { globals: globals.browser } },

  // ---- import boundaries (docs/ARCHITECTURE.md, "Import rules") ----
  boundary(['common/**'], refuse('storage|collector|viewer|cmd', 'common/ is the bottom layer: it imports nothing else of Hindsight.')),
  boundary(['storage/**'], refuse('collector|viewer|cmd', 'storage/ imports only common/.')),
  boundary(['collector/**'], refuse('viewer', 'collector/ must not import viewer/: put what both need in common/ or storage/.'), NOT_CMD),
  boundary(['viewer/**'], refuse('collector', 'viewer/ must not import collector/: put what both need in common/ or storage/.'), NOT_CMD),
  boundary(['viewer/model/**'], refuse('common|storage|collector|query|ui|cmd', 'viewer/model/ is pure: it imports only viewer/api/types.'), {
    regex: '(^|/)api/(?!types$)',
    message: 'viewer/model/ is pure: it imports only viewer/api/types.',
  }),
  boundary(
    ['viewer/ui/**'],
    refuse('common|storage|collector|query|cmd', 'viewer/ui/ imports only viewer/model/ and viewer/api/types.'),
    // `../lib/api` (the UI's own client) has no `api/` segment; `../../../api/router` has.
    { regex: '(^|/)api/(?!types$)', message: 'viewer/ui/ imports only viewer/model/ and viewer/api/types.' },
  ),
);
