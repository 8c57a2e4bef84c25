/**
 * The GPU check: on a machine with an NVIDIA GPU, list the backends, run the golden suites on ort-cuda and
 * ort-webgpu (beside ort-cpu and the reference), and time the headline models on every available backend.
 *
 *   npx tsx scripts/gpu-check.ts [--backends ref,ort-cpu,ort-cuda,ort-webgpu] DIR...
 *
 * On a lent machine without npm access, scripts/gpu-pack.sh bundles this file and the runtime it needs, and
 * scripts/gpu-run.sh runs the bundle there (see those files).
 */
import { main } from '../src/cli/main.js';
import { BACKEND_NAMES, type BackendName } from '../src/runtime/backend.js';
import { benchBackends } from '../bench/backends.js';

const args = process.argv.slice(2);
const at = args.indexOf('--backends');
const list = at >= 0 ? (args[at + 1] ?? '') : 'ref,ort-cpu,ort-cuda,ort-webgpu';
const dirs = args.filter((arg, index) => index !== at && index !== at + 1);
const names = list.split(',').map((name) => {
  const found = BACKEND_NAMES.find((b) => b === name);
  if (found === undefined) throw new Error(`unknown backend '${name}'`);
  return found;
}) satisfies BackendName[];

console.log('== sppkit backends');
await main(['backends']);
if (dirs.length > 0) {
  console.log(`\n== sppkit golden ${dirs.join(' ')} --backends ${list}`);
  const code = await main(['golden', ...dirs, '--backends', list, '--quiet']);
  console.log(`(golden exit code ${code})`);
}
console.log('\n== timings (session create, median run) per backend');
await benchBackends(names, 20);
