/**
 * The op surface is generated from the op files: the committed generated files match what the generator produces
 * now, every registry op has a builder method, and every op file holds exactly one OpDef named after its file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileStem, generate, loadOpFiles, methodName, REPO_ROOT } from '../../scripts/generate-ops.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import type { OpDef } from '../../src/ops/core/op.js';
import { ops } from '../../src/ops/core/registry.js';

describe('the generated op surface', () => {
  it('is up to date: the committed files are what the generator produces (run `npm run generate`)', async () => {
    const files = await generate();
    expect(files.map((file) => file.path.slice(REPO_ROOT.length + 1))).toEqual([
      'src/ops/ops.generated.ts',
      'src/graph/ops.generated.ts',
    ]);
    for (const file of files) expect(readFileSync(file.path, 'utf8'), file.path).toBe(file.text);
  }, 60_000);

  it('gives every registry op a builder method, generated or hand-written', () => {
    const missing = Object.keys(ops).filter((opType) => {
      const method: unknown = Reflect.get(GraphBuilder.prototype, methodName(opType));
      return typeof method !== 'function';
    });
    expect(missing).toEqual([]);
  });

  it('names methods in lower camel case, all-caps op types all lower case', () => {
    expect(['MaxPool', 'GatherND', 'LRN', 'BatchNormalization', 'Relu'].map(methodName)).toEqual([
      'maxPool',
      'gatherND',
      'lrn',
      'batchNormalization',
      'relu',
    ]);
    expect(['MaxPool', 'GatherND', 'LRN', 'GlobalLpPool', 'MatMul'].map(fileStem)).toEqual([
      'max-pool',
      'gather-nd',
      'lrn',
      'global-lp-pool',
      'mat-mul',
    ]);
  });

  it('finds one OpDef per op file, named like its op type, and registers each of them', async () => {
    const loaded = await loadOpFiles();
    for (const { file, op } of loaded) expect(file).toBe(`${fileStem(op.opType)}.ts`);
    const files = readdirSync(join(REPO_ROOT, 'src', 'ops')).filter(
      (name) => name.endsWith('.ts') && !name.endsWith('.generated.ts'),
    );
    expect(loaded.map((entry) => entry.file).sort()).toEqual(files.sort());
    expect(loaded.map((entry) => entry.op.opType)).toEqual(Object.keys(ops));
  }, 60_000);
});

describe('the op data', () => {
  const all: readonly OpDef[] = Object.values(ops);

  it('names a declared type variable on every input and output, and uses every declared variable', () => {
    for (const op of all) {
      const named = [...op.inputs, ...op.outputs].map((io) => io.type);
      expect(
        named.filter((variable) => op.types[variable] === undefined),
        op.opType,
      ).toEqual([]);
      const split = Object.values(op.types).flatMap((t) => (t.splitFrom === undefined ? [] : [t.splitFrom.variable]));
      expect(
        Object.keys(op.types).filter((variable) => !named.includes(variable) && !split.includes(variable)),
        op.opType,
      ).toEqual([]);
    }
  });

  it('pairs every attribute-born input with the attribute it replaced, which ends the opset before', () => {
    const moves = all.flatMap((op) =>
      op.inputs.flatMap((io) => {
        if (io.fromAttribute === undefined) return [];
        const spec = Object.values(op.attributes).find((s) => s.onnxName === io.fromAttribute);
        return [{ op: op.opType, input: io.name, since: io.since, until: spec?.until }];
      }),
    );
    for (const move of moves) expect(move.until, `${move.op} ${move.input}`).toBe((move.since ?? 0) - 1);
    // The moves the ONNX changelog lists for these ops.
    const listed = moves.map((m) => `${m.op}.${m.input}@${m.since ?? '?'}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'ReduceMax.axes@18',
        'ReduceMean.axes@18',
        'ReduceSum.axes@13',
        'Squeeze.axes@13',
        'Unsqueeze.axes@13',
        'Split.split@13',
        'Pad.pads@11',
        'Pad.constant_value@11',
        'Slice.starts@10',
        'Slice.ends@10',
        'Slice.axes@10',
        'Reshape.shape@5',
      ]),
    );
  });
});
