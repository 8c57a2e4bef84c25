// ESLint flat config: typescript-eslint's type-aware rules, plus the layering rule that keeps protobuf code in
// src/export and Node-only modules out of the code that must also run in browsers.
import tseslint from 'typescript-eslint';

const protobufImports = {
  paths: [
    { name: 'protobufjs', message: 'Only src/export may import protobuf code; the IR is protobuf-free.' },
    { name: 'onnx-proto', message: 'Only src/export (and tests) may import onnx-proto.' },
  ],
  patterns: [{ group: ['protobufjs/*'], message: 'Only src/export may import protobuf code.' }],
};

const nodeOnly = [
  { name: 'fs', message: 'Browser-safe layer: keep Node-only code in *-node.ts files.' },
  { name: 'node:fs', message: 'Browser-safe layer: keep Node-only code in *-node.ts files.' },
  { name: 'node:fs/promises', message: 'Browser-safe layer: keep Node-only code in *-node.ts files.' },
  { name: 'path', message: 'Browser-safe layer: keep Node-only code in *-node.ts files.' },
  { name: 'node:path', message: 'Browser-safe layer: keep Node-only code in *-node.ts files.' },
  { name: 'onnxruntime-node', message: 'Only src/runtime and src/cli may import onnxruntime-node.' },
];

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
    files: ['src/ir/**/*.ts', 'src/ops/**/*.ts', 'src/graph/**/*.ts', 'src/blocks/**/*.ts', 'src/transform/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...protobufImports, paths: [...protobufImports.paths, ...nodeOnly] }],
    },
  },
  {
    files: ['src/export/**/*.ts'],
    ignores: ['src/export/**/*-node.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nodeOnly }] },
  },
  {
    files: ['src/runtime/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', protobufImports] },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
