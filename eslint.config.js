// ESLint flat config: typescript-eslint's type-aware rules, plus the layering rule that keeps protobuf code in
// src/export and Node-only modules out of the code that must also run in browsers.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const protobufImports = {
  paths: [
    { name: 'protobufjs', message: 'Only src/export may import protobuf code; the IR is protobuf-free.' },
    { name: 'onnx-proto', message: 'Only src/export (and tests) may import onnx-proto.' },
  ],
  patterns: [{ group: ['protobufjs/*'], message: 'Only src/export may import protobuf code.' }],
};

const browserSafe = 'Browser-safe code (reachable from src/index.ts)';
/** Every Node built-in, bare and `node:`-prefixed, and the packages that only run in Node. */
/** Node built-ins by their bare names (`fs`, `child_process`, ...) and the packages that only run in Node. */
const nodeOnly = [
  ...builtinModules
    .filter((name) => !name.startsWith('_') && !name.startsWith('node:'))
    .map((name) => ({
      name,
      message: `${browserSafe} may not import Node built-ins: put it in src/runtime/node/ or a *-node.ts file.`,
    })),
  { name: 'onnxruntime-node', message: `${browserSafe} may not import onnxruntime-node: use src/runtime/node/.` },
  { name: 'playwright-core', message: `${browserSafe} may not import playwright-core: use src/runtime/node/.` },
  { name: 'playwright', message: `${browserSafe} may not import playwright.` },
];
/** Every `node:` import (node:fs, node:module, node:child_process, node:url, node:os, ...) and Node-only files. */
const nodeOnlyPatterns = [
  {
    group: ['node:*'],
    message: `${browserSafe} may not import Node built-ins: put it in src/runtime/node/ or a *-node.ts file.`,
  },
  {
    group: ['./node/**', '**/runtime/node/**', '**/*-node.js'],
    message: `${browserSafe} may not import Node-only files (src/runtime/node/, *-node.ts).`,
  },
];
/** Node globals that browsers lack (esbuild does not polyfill them). */
const nodeGlobals = ['process', 'Buffer', '__dirname', '__filename', 'require', 'module', 'global'].map((name) => ({
  name,
  message: `${browserSafe} may not use the Node global '${name}'.`,
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'test/golden/**/*.json'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Below src/export, only protobuf-free code.
    files: ['src/ir/**/*.ts', 'src/ops/**/*.ts', 'src/graph/**/*.ts', 'src/blocks/**/*.ts', 'src/transform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...protobufImports.paths, ...nodeOnly],
          patterns: [...protobufImports.patterns, ...nodeOnlyPatterns],
        },
      ],
      'no-restricted-globals': ['error', ...nodeGlobals],
    },
  },
  {
    files: ['src/runtime/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', protobufImports] },
  },
  {
    // The browser-safe files above src/transform: src/export (but its *-node.ts files), src/runtime (but
    // src/runtime/node/) and the package root src/index.ts. Everything src/index.ts reaches is in these globs or the
    // ones above. (A later block's rule options replace an earlier one's, hence the two lists for src/runtime.)
    files: ['src/export/**/*.ts'],
    ignores: ['src/export/**/*-node.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeOnly, patterns: nodeOnlyPatterns }],
      'no-restricted-globals': ['error', ...nodeGlobals],
    },
  },
  {
    files: ['src/runtime/**/*.ts', 'src/index.ts'],
    ignores: ['src/runtime/node/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...protobufImports.paths, ...nodeOnly],
          patterns: [...protobufImports.patterns, ...nodeOnlyPatterns],
        },
      ],
      'no-restricted-globals': ['error', ...nodeGlobals],
    },
  },
  {
    // The browser app imports sppkit like any user: the package root, never src/ paths, never Node.
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeOnly,
          patterns: [
            ...nodeOnlyPatterns,
            { group: ['**/src/**', 'sppkit/*'], message: "web/ imports the browser-safe package root, 'sppkit'." },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...nodeGlobals],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
