/**
 * Bad command lines and hostile models through `main()`: each exits 2 (1 only for a failed check) with exactly one
 * line on stderr that names the offending value, and no stack trace unless `--debug` is given.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostileModels } from '../../fuzz/hostile.js';
import { saveModel } from '../../src/export/io-node.js';
import { model } from '../limits/helpers.js';
import { runCliLines, tempDir } from './run-cli.js';

/** Runs the CLI; stderr comes back split into single lines. */
async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const { code, out, err } = await runCliLines(argv);
  return { code, out, err: err.flatMap((line) => line.split('\n')) };
}

const dir = tempDir('bad-calls');
const path = (name: string): string => join(dir, name);

beforeAll(async () => {
  const built = await cli(
    'build',
    'max-pool',
    '--in-channels',
    '2',
    '--height',
    '4',
    '--width',
    '4',
    '-o',
    path('mp.onnx'),
  );
  expect(built.code, built.err.join('\n')).toBe(0);
  const dynamic = await cli(
    'build',
    'sppf',
    '--in-channels',
    '4',
    '--height',
    'H',
    '--width',
    'W',
    '-o',
    path('dyn.onnx'),
  );
  expect(dynamic.code, dynamic.err.join('\n')).toBe(0);
  writeFileSync(path('a-file'), 'not a folder');
  mkdirSync(path('a-folder'), { recursive: true });
  saveModel(
    path('dim-2-31.onnx'),
    model({
      inputs: [{ name: 'x', shape: [1, 1, 2 ** 31, 1] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      outputs: [{ name: 'y', shape: [1, 1, 2 ** 31, 1] }],
    }),
  );
  for (const hostile of hostileModels().filter((m) => ['hostile-opset-999', 'hostile-expand-1e12'].includes(m.name)))
    writeFileSync(path(`${hostile.name}.onnx`), hostile.bytes);
}, 120_000);

/** Calls that must exit 2 with one line matching the pattern (which names the value). */
const BAD_CALLS: readonly (readonly [string, () => string[], RegExp])[] = [
  ['run --dim H=1000000000', () => ['run', path('dyn.onnx'), '--dim', 'H=1000000000'], /--dim H=1000000000/],
  ['run --dim H=0', () => ['run', path('dyn.onnx'), '--dim', 'H=0', '--dim', 'W=4'], /--dim H=0: the size must be/],
  [
    'run --dim H=10000000 (random input past the element limit)',
    () => ['run', path('dyn.onnx'), '--dim', 'H=10000000', '--dim', 'W=100'],
    /random input 'x' float32\[1, 4, 10000000, 100\] needs 4000000000 elements.*maxTensorElements/,
  ],
  ['run --output-dir <file>', () => ['run', path('mp.onnx'), '--output-dir', path('a-file')], /a-file' is a file/],
  ['build -o <folder>', () => ['build', 'sppf', '-o', path('a-folder')], /-o '.*a-folder' is a folder/],
  [
    'build --levels 100000',
    () => ['build', 'spp-adaptive', '--levels', '100000', '-o', path('x.onnx')],
    /--levels 100000 .* needs 160000000000 elements/,
  ],
  [
    'build --in-channels 1000000000',
    () => ['build', 'sppf', '--in-channels', '1000000000', '-o', path('x.onnx')],
    /--in-channels must be an integer in 1\.\.268435456, got '1000000000'/,
  ],
  [
    'build --in-channels 100000 (weights past the element limit)',
    () => ['build', 'sppf', '--in-channels', '100000', '-o', path('x.onnx')],
    /weight 'cv1\.conv\.weight' \[50000, 100000, 1, 1\] needs 5000000000 elements/,
  ],
  ['run --seed -1', () => ['run', path('mp.onnx'), '--seed', '-1'], /--seed must be an integer in 0\.\..*got '-1'/],
  ['build --height -5', () => ['build', 'sppf', '--height', '-5', '-o', path('x.onnx')], /--height .* got '-5'/],
  ['build --opset 999', () => ['build', 'sppf', '--opset', '999', '-o', path('x.onnx')], /--opset .* got '999'/],
  ['run --repeat 0', () => ['run', path('mp.onnx'), '--repeat', '0'], /--repeat must be an integer in 1\.\./],
  ['run --backend nope', () => ['run', path('mp.onnx'), '--backend', 'nope'], /--backend must be one of .* got 'nope'/],
  ['inspect --bogus', () => ['inspect', path('mp.onnx'), '--bogus'], /Unknown option '--bogus'/],
  [
    'run a model declaring a 2^31 dim',
    () => ['run', path('dim-2-31.onnx')],
    /graph input 'x' \[1, 1, 2147483648, 1\] would hold 2147483648 elements/,
  ],
  ['run an opset-999 model', () => ['run', path('hostile-opset-999.onnx')], /opset 999 is newer than sppkit knows/],
  [
    'run an Expand to [1e6, 1e6]',
    () => ['run', path('hostile-expand-1e12.onnx')],
    /Expand node 'Expand_0': output 'y' \[1000000, 1000000\] would hold 1000000000000 elements/,
  ],
  [
    'run --limit maxTensorElements=4 (the reference refuses an output past it)',
    () => ['run', path('mp.onnx'), '--limit', 'maxTensorElements=31', '--limit', 'maxRank=4'],
    /maxTensorElements=31/,
  ],
  ['--limit with an unknown name', () => ['check', path('mp.onnx'), '--limit', 'maxBogus=3'], /maxBogus=3/],
  ['--limit with a bad value', () => ['check', path('mp.onnx'), '--limit', 'maxRank=0'], /maxRank=0/],
  ['check a missing file', () => ['check', path('missing.onnx')], /missing\.onnx: cannot read model/],
  ['check a folder', () => ['check', path('a-folder')], /a-folder: cannot read model: it is a folder/],
  ['build without a block', () => ['build'], /build: which block\?/],
  ['golden without folders', () => ['golden'], /golden: which folders\?/],
  ['an unknown command', () => ['frobnicate'], /unknown command 'frobnicate'/],
];

describe('bad calls exit 2 with one line naming the value', () => {
  it.each(BAD_CALLS.map(([name, args, pattern]) => [name, args, pattern] as const))(
    '%s',
    async (_, args, pattern) => {
      const result = await cli(...args());
      expect(result.code, result.err.join('\n')).toBe(2);
      expect(result.err).toHaveLength(1);
      expect(result.err[0]).toMatch(pattern);
      expect(result.err[0]).not.toMatch(/\n|^\s+at /);
    },
    60_000,
  );

  it('prints the stack trace only with --debug', async () => {
    const plain = await cli('run', path('dim-2-31.onnx'));
    expect(plain.err).toHaveLength(1);
    const debug = await cli('run', path('dim-2-31.onnx'), '--debug');
    expect(debug.code).toBe(2);
    expect(debug.err.some((line) => /^\s+at /.test(line))).toBe(true);
    expect(debug.err[debug.err.length - 1]).toBe(plain.err[0]);
  });

  it('exits 1 when check finds problems, listing each and ending with one summary line', async () => {
    const result = await cli('check', path('hostile-opset-999.onnx'));
    expect(result.code).toBe(1);
    expect(result.err.some((line) => /opset 999 is newer than sppkit knows/.test(line))).toBe(true);
    expect(result.err[result.err.length - 1]).toMatch(/hostile-opset-999\.onnx: \d+ problem\(s\)$/);
  });
});
