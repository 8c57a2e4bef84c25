/**
 * How the rewrite engine scales: a chain of N 3×3 MaxPools (stride 1, pads 1) goes through `separable-pool`
 * (every pool becomes a 3×1 and a 1×3 pool), and `spp-to-sppf` runs over the result (no site: it only looks).
 * Prints, per N, the wall time of each pass, the match attempts and rewrites; attempts should grow linearly.
 *
 *   npx tsx scripts/rewrite-scaling.ts [N...]        (default: 1000 10000 100000)
 */
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import type { Model } from '../src/ir/graph.js';
import { separablePoolRule } from '../src/transform/passes/separable-pool.js';
import { sppToSppfRule } from '../src/transform/passes/spp-to-sppf.js';
import { applyRules } from '../src/transform/rewrite/apply.js';
import type { RewriteRule } from '../src/transform/rewrite/rule.js';

function poolChain(length: number): Model {
  const b = new GraphBuilder({ opset: 17 });
  let x = b.input('x', DataType.FLOAT, [1, 4, 16, 16]);
  for (let i = 0; i < length; i += 1)
    x = b.maxPool(x, { kernelShape: [3, 3], pads: [1, 1, 1, 1] }, { name: `pool${i}` });
  b.output(x, 'y');
  return b.build();
}

function timed(model: Model, rule: RewriteRule<unknown>): string {
  const start = performance.now();
  const { stats } = applyRules(model, [rule]);
  const ms = performance.now() - start;
  return `${rule.name} ${ms.toFixed(0).padStart(6)} ms (${stats.attempts} attempts, ${stats.rewrites} rewrites)`;
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length > 0 ? sizes : [1_000, 10_000, 100_000]) {
  const started = performance.now();
  const model = poolChain(n);
  const buildMs = performance.now() - started;
  const separable = timed(model, separablePoolRule);
  const nodes = model.graph.nodes.length;
  const sppf = timed(model, sppToSppfRule);
  const built = `${String(n).padStart(7)} pools (built in ${buildMs.toFixed(0)} ms)`;
  console.log(`${built}: ${separable}; ${nodes} nodes, ${sppf}`);
}
