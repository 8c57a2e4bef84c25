import { describe, expect, it } from 'vitest';
import { nonLocalBlock } from '../../src/blocks/non-local.js';
import { Tensor } from '../../src/ir/tensor.js';
import { buildBlock, expectClose, randomInput, runOrt, runRef } from './helpers.js';

/** Non-local weights for C = 2, Ci = 1 with 1x1 convs picking channels, and an identity BatchNorm (bnEps 0). */
function weights(
  theta: readonly [number, number],
  phi: readonly [number, number],
  g: readonly [number, number],
  out: readonly [number, number],
): Map<string, Tensor> {
  const conv = (values: readonly number[], cOut: number): Tensor =>
    Tensor.float32([cOut, values.length / cOut, 1, 1], values);
  return new Map([
    ['g.0.weight', conv(g, 1)],
    ['g.0.bias', Tensor.float32([1], [0])],
    ['theta.weight', conv(theta, 1)],
    ['theta.bias', Tensor.float32([1], [0])],
    ['phi.0.weight', conv(phi, 1)],
    ['phi.0.bias', Tensor.float32([1], [0])],
    ['W.0.weight', conv(out, 2)],
    ['W.0.bias', Tensor.float32([2], [0, 0])],
    ['W.1.weight', Tensor.float32([2], [1, 1])],
    ['W.1.bias', Tensor.float32([2], [0, 0])],
    ['W.1.running_mean', Tensor.float32([2], [0, 0])],
    ['W.1.running_var', Tensor.float32([2], [1, 1])],
  ]);
}

describe('nonLocal (embedded Gaussian, 2x2 max-pool subsampling)', () => {
  it('names its weights like the PyTorch module (g.0, theta, phi.0, W.0, W.1)', () => {
    expect(nonLocalBlock.params({}, 4).map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'g.0.weight:2x4x1x1',
      'g.0.bias:2',
      'theta.weight:2x4x1x1',
      'theta.bias:2',
      'phi.0.weight:2x4x1x1',
      'phi.0.bias:2',
      'W.0.weight:4x2x1x1',
      'W.0.bias:4',
      'W.1.weight:4',
      'W.1.bias:4',
      'W.1.running_mean:4',
      'W.1.running_var:4',
    ]);
  });

  it('with one key position (2x2 input) adds the pooled g to every position', async () => {
    // M = 1: softmax over one key is 1, so y = max of g's 2x2 map everywhere; g = channel 0 (max 4);
    // W maps y to [+y, −y]: z = x + [4, −4].
    const model = buildBlock(nonLocalBlock, { bnEps: 0 }, [1, 2, 2, 2], weights([1, 0], [0, 1], [1, 0], [1, -1]));
    const x = Tensor.float32([1, 2, 2, 2], [1, 2, 3, 4, 10, 20, 30, 40]);
    const want = [5, 6, 7, 8, 6, 16, 26, 36];
    expectClose(runRef(model, x), [1, 2, 2, 2], want);
    expectClose(await runOrt(model, x), [1, 2, 2, 2], want);
  });

  it('computes a hand-derived 2x4 case with two key positions', async () => {
    // x channel 0 = [[1,2,3,4],[0,1,0,1]], channel 1 = [[4,3,2,1],[1,1,1,1]].
    // theta = channel 0; phi = channel 1 pooled 2x2 → keys [4, 2]; g = channel 0 pooled → [2, 4].
    // position p: f = theta_p·[4, 2]; a = softmax(f); y_p = a·[2, 4]; z = x + [y, 2y].
    const model = buildBlock(nonLocalBlock, { bnEps: 0 }, [1, 2, 2, 4], weights([1, 0], [0, 1], [1, 0], [1, 2]));
    const c0 = [1, 2, 3, 4, 0, 1, 0, 1];
    const c1 = [4, 3, 2, 1, 1, 1, 1, 1];
    const y = c0.map((t) => {
      const e0 = Math.exp(4 * t);
      const e1 = Math.exp(2 * t);
      return (2 * e0 + 4 * e1) / (e0 + e1);
    });
    const want = [...c0.map((v, i) => v + (y[i] ?? 0)), ...c1.map((v, i) => v + 2 * (y[i] ?? 0))];
    const x = Tensor.float32([1, 2, 2, 4], [...c0, ...c1]);
    expectClose(runRef(model, x), [1, 2, 2, 4], want, 1e-6);
    expectClose(await runOrt(model, x), [1, 2, 2, 4], want, 1e-6);
  });

  it('builds checked models at several sizes, static and symbolic, matching onnxruntime', async () => {
    const dynamic = buildBlock(nonLocalBlock, {}, ['N', 4, 'H', 'W']);
    for (const [h, w] of [
      [7, 9],
      [2, 2],
      [5, 3],
      [8, 8],
    ] as const) {
      const model = buildBlock(nonLocalBlock, {}, [2, 4, h, w]);
      expect(model.graph.outputs[0]?.type?.shape).toEqual([2, 4, h, w]);
      const x = randomInput([2, 4, h, w], h * 10 + w);
      const want = runRef(model, x);
      expectClose(runRef(dynamic, x), want.dims, want.toNumbers(), 1e-6);
      expectClose(await runOrt(model, x), want.dims, want.toNumbers(), 1e-5);
      expectClose(await runOrt(dynamic, x), want.dims, want.toNumbers(), 1e-5);
    }
  });

  it('refuses a map too small to subsample, and keeps BatchNorm when asked', () => {
    expect(() => buildBlock(nonLocalBlock, {}, [1, 4, 1, 5])).toThrow(/subsampling needs height and width >= 2/);
    const kept = buildBlock(nonLocalBlock, { keepBn: true }, [1, 4, 4, 4]);
    expect(kept.graph.nodes.some((n) => n.opType === 'BatchNormalization')).toBe(true);
    const folded = buildBlock(nonLocalBlock, {}, [1, 4, 4, 4]);
    const x = randomInput([1, 4, 4, 4], 9);
    const want = runRef(folded, x);
    expectClose(runRef(kept, x), want.dims, want.toNumbers(), 1e-5);
  });
});
