/**
 * PyTorch oracles (../shared/golden/torch) for the pooling layers and strided convolution: each case's layer is
 * built from `case.json`'s config as one node with GraphBuilder.op1, run through the reference evaluator and
 * compared with the case's tolerance (`|got - want| <= atol + rtol*|want|`; 0/0 = bit-exact for max pooling).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { decodeTensor } from '../../src/export/index.js';
import { AveragePool } from '../../src/ops/average-pool.js';
import { Conv } from '../../src/ops/conv.js';
import { GlobalAveragePool } from '../../src/ops/global-average-pool.js';
import { GlobalMaxPool } from '../../src/ops/global-max-pool.js';
import { MaxPool } from '../../src/ops/max-pool.js';
import { evaluate } from '../../src/runtime/reference.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'golden', 'torch');
const KINDS = ['maxpool2d', 'avgpool2d', 'global_avg_pool', 'global_max_pool', 'strided_pool', 'conv_pool'];

if (!existsSync(ROOT)) console.warn(`torch-pooling: ${ROOT} is absent; skipping the PyTorch pooling oracles`);

/** The parts of case.json this test reads. */
interface CaseFile {
  readonly kind: string;
  readonly config: {
    readonly kernel?: readonly number[];
    readonly stride?: readonly number[];
    readonly pads?: readonly number[];
    readonly ceil_mode?: boolean;
    readonly count_include_pad?: boolean;
    readonly dilation?: readonly number[];
  };
  readonly tolerance: { readonly atol: number; readonly rtol: number };
}

function readCase(dir: string): CaseFile {
  const parsed: unknown = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8'));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('kind' in parsed) ||
    !('config' in parsed) ||
    !('tolerance' in parsed)
  ) {
    throw new Error(`${dir}/case.json lacks kind, config or tolerance`);
  }
  return parsed as CaseFile;
}

/** A fresh copy of the file (decodeTensor misreads pooled Node Buffers; see conformance-b.test.ts). */
function readTensor(file: string): Tensor {
  return decodeTensor(new Uint8Array(readFileSync(file)), file).tensor;
}

const cases = existsSync(ROOT)
  ? readdirSync(ROOT)
      .filter((name) => KINDS.some((kind) => name.startsWith(`${kind}_`)))
      .sort()
  : [];

/** Adds the case's layer to `b` and returns its output. */
function buildLayer(b: GraphBuilder, c: CaseFile, x: Value, dir: string): Value {
  const config = c.config;
  const kernelShape = config.kernel ?? [1, 1];
  const window = {
    kernelShape,
    strides: config.stride ?? kernelShape,
    pads: config.pads ?? [0, 0, 0, 0],
    dilations: config.dilation ?? [1, 1],
    ceilMode: config.ceil_mode === true ? 1 : 0,
  };
  switch (c.kind) {
    case 'maxpool2d':
    case 'strided_pool':
      return b.op1(MaxPool, [x], window);
    case 'avgpool2d':
      return b.op1(AveragePool, [x], { ...window, countIncludePad: config.count_include_pad === true ? 1 : 0 });
    case 'global_avg_pool':
      return b.op1(GlobalAveragePool, [x], {});
    case 'global_max_pool':
      return b.op1(GlobalMaxPool, [x], {});
    case 'conv_pool': {
      const weight = b.constant('weight', readTensor(path.join(dir, 'params', 'weight.pb')));
      const bias = b.constant('bias', readTensor(path.join(dir, 'params', 'bias.pb')));
      return b.op1(Conv, [x, weight, bias], {
        kernelShape,
        strides: window.strides,
        pads: window.pads,
        dilations: window.dilations,
      });
    }
    default:
      throw new Error(`unexpected kind ${c.kind}`);
  }
}

describe.skipIf(cases.length === 0)('PyTorch pooling oracles', () => {
  for (const name of cases) {
    it(name, () => {
      const dir = path.join(ROOT, name);
      const c = readCase(dir);
      const input = readTensor(path.join(dir, 'input_0.pb'));
      const want = readTensor(path.join(dir, 'output_0.pb'));
      const b = new GraphBuilder({ opset: 19 });
      const x = b.input('x', DataType.FLOAT, input.dims);
      b.output(buildLayer(b, c, x, dir), 'y');
      const got = evaluate(b.build(), new Map([['x', input]])).get('y');
      expect(got?.dims).toEqual(want.dims);
      const g = got?.toNumbers() ?? [];
      const w = want.toNumbers();
      const { atol, rtol } = c.tolerance;
      const bad = w.findIndex((value, i) => !(Math.abs((g[i] ?? NaN) - value) <= atol + rtol * Math.abs(value)));
      expect(bad, bad < 0 ? '' : `element ${bad}: got ${g[bad]}, want ${w[bad]}`).toBe(-1);
    });
  }
});
