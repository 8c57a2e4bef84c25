/**
 * One dynamic sppAdaptive model file (built once with symbolic N/H/W, written to bytes and read back) must give the
 * PyTorch oracle's answer for every `spp_adaptive` case in golden/torch, whatever its size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sppAdaptive } from '../../src/blocks/spp-adaptive.js';
import { readTensorFile } from '../../src/export/io-node.js';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { assertValidModel } from '../../src/transform/passes/check.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { evaluate } from '../../src/runtime/reference.js';
import { haveSharedGolden, SHARED_GOLDEN } from '../shared.js';

interface AdaptiveCase {
  readonly name: string;
  readonly channels: number;
  readonly levels: readonly number[];
  readonly pool: 'max' | 'avg';
  readonly dir: string;
}

function adaptiveCases(): AdaptiveCase[] {
  const root = join(SHARED_GOLDEN, 'torch');
  return readdirSync(root)
    .filter((name) => name.startsWith('spp_adaptive_'))
    .map((name) => {
      const json = JSON.parse(readFileSync(join(root, name, 'case.json'), 'utf8')) as {
        config: { levels: number[]; pool: 'max' | 'avg' };
        inputs: { shape: number[] }[];
      };
      return {
        name,
        channels: json.inputs[0]?.shape[1] ?? 0,
        levels: json.config.levels,
        pool: json.config.pool,
        dir: join(root, name),
      };
    });
}

const present = haveSharedGolden('dynamic sppAdaptive vs golden/torch');

describe.skipIf(!present)('a dynamic sppAdaptive model file serves every size', () => {
  const cases = present ? adaptiveCases() : [];
  const models = new Map<string, Model>();
  const modelFor = (c: AdaptiveCase): Model => {
    const key = `${c.channels}/${c.levels.join('-')}/${c.pool}`;
    let model = models.get(key);
    if (model === undefined) {
      const b = new GraphBuilder({ opset: 17 });
      const x = b.input('x', DataType.FLOAT, ['N', c.channels, 'H', 'W']);
      b.output(sppAdaptive(b, x, { levels: c.levels, pool: c.pool }), 'y');
      // Through bytes, as a user would ship it.
      model = decodeModel(encodeModel(b.build()), key);
      assertValidModel(model);
      models.set(key, model);
    }
    return model;
  };

  it('covers all 40 spp_adaptive cases', () => {
    expect(cases.length).toBe(40);
  });

  for (const backendName of ['ref', 'ort-cpu'] as const) {
    it(`matches the oracle on ${backendName} at every size (max exactly, avg within tolerance)`, async () => {
      const backend = getBackend(backendName);
      const availability = await backend.availability();
      if (!availability.available) {
        console.warn(`SKIP ${backendName}: ${availability.reason}`);
        return;
      }
      const failures: string[] = [];
      for (const c of cases) {
        const x = readTensorFile(join(c.dir, 'input_0.pb')).tensor;
        const want = readTensorFile(join(c.dir, 'output_0.pb')).tensor;
        const tolerance = c.pool === 'max' ? { atol: 0, rtol: 0 } : { atol: 1e-6, rtol: 1e-5 };
        const model = modelFor(c);
        const got =
          backendName === 'ref'
            ? evaluate(model, new Map([['x', x]])).get('y')
            : await (async () => {
                const session = await backend.load(model);
                try {
                  return (await session.run(new Map([['x', x]]))).get('y');
                } finally {
                  await session.dispose();
                }
              })();
        if (got === undefined) failures.push(`${c.name}: no output`);
        else {
          const comparison = compareTensors(got, want, tolerance);
          if (!comparison.ok) failures.push(`${c.name}: ${comparison.message}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
