/**
 * The float64 kernels under Conv, Gemm and MatMul, in two bit-identical implementations over one byte-addressed
 * scratch buffer: WebAssembly SIMD (wasm/gemm.wat) where it loads, and their JS twins below, which run the same
 * loops with every multiply and add in the same order. Float64 arithmetic is IEEE-754 in both, so the results agree
 * to the bit (NaN payloads aside); test/ops/gemm-conv.test.ts compares them in process and
 * test/ops/conv-bits.test.ts under `node --no-expose-wasm`. The scratch grows to the largest problem seen and is
 * kept (a WebAssembly memory cannot shrink); evaluation is synchronous, so one scratch serves every call.
 *
 * - `gemm`: `C = A·B + bias` in 4×4 tiles. A packed in 4-row blocks `[block][k][4]` (zero rows past the last), B
 *   in 4-column panels `[panel][k][4]`. Each element is `0 + A(r,0)·B(0,c) + A(r,1)·B(1,c) + …` in k
 *   order, then `+ bias[r]` (adding a zero bias leaves every sum unchanged: a sum that starts at +0 is never -0).
 * - `pack`: im2col into B panels: element (k, o) = `x[offsets[k] + outOff[o]]` (byte offsets into a zero-padded
 *   input, so padding taps read real zeros and multiply like the old kernel did).
 * - `direct`: one filter without packing (depthwise convolutions): `dst[o] = Σ_k w[k]·x[offsets[k] + outOff[o]]`
 *   (in k order, from +0) `+ bias`.
 * - `widen`: float32 rows to float64 (exact), for the padded input copy.
 * `gemm` and `direct` store float64, or (`f32`) each result rounded once to float32, as a Float32Array store
 * rounds (round to nearest, ties to even).
 */
import { GEMM_WASM } from './wasm/gemm-wasm.js';
import { instantiateKernel, isKernelFunction, isWasmMemory } from './wasm/load.js';

/** Arguments of `gemm` (byte addresses and strides into the scratch buffer; A and B packed, see `packRows`). */
export interface GemmArgs {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly ldc: number;
  readonly bias: number;
  /** Blocks of 4 rows of A (and C). */
  readonly blocks: number;
  /** Panels of 4 columns of B (and C). */
  readonly panels: number;
  readonly depth: number;
  /** Store C as float32 (each result rounded once) instead of float64. */
  readonly f32: boolean;
}

/** Arguments of `pack` (byte addresses; `offsets` holds `depth` and `outOff` holds `4·panels` int32 offsets). */
export interface PackArgs {
  readonly x: number;
  readonly offsets: number;
  readonly outOff: number;
  readonly dst: number;
  readonly depth: number;
  readonly panels: number;
}

/** Arguments of `direct`: `pack`'s, plus the filter `w` (depth float64), the scalar bias and the output type. */
export interface DirectArgs extends PackArgs {
  readonly w: number;
  readonly bias: number;
  readonly f32: boolean;
}

/** Arguments of `widen`: `rows` rows of `inner` float32 (byte strides) to float64. */
export interface WidenArgs {
  readonly src: number;
  readonly dst: number;
  readonly rows: number;
  readonly inner: number;
  readonly srcStride: number;
  readonly dstStride: number;
}

/** The kernels and their scratch buffer. */
export interface GemmKernels {
  readonly kind: 'wasm' | 'js';
  /** Grows the scratch to at least `bytes` (keeping its contents) and returns it; earlier views may be detached. */
  reserve(bytes: number): ArrayBuffer;
  gemm(args: GemmArgs): void;
  pack(args: PackArgs): void;
  direct(args: DirectArgs): void;
  widen(args: WidenArgs): void;
}

const PAGE = 65536;

function wasmKernels(): GemmKernels | null {
  const exports = instantiateKernel(GEMM_WASM);
  if (exports === null) return null;
  const { memory, gemm, pack, direct, widen } = exports;
  if (
    !isWasmMemory(memory) ||
    !isKernelFunction(gemm) ||
    !isKernelFunction(pack) ||
    !isKernelFunction(direct) ||
    !isKernelFunction(widen)
  )
    return null;
  const run = { gemm, pack, direct, widen };
  return {
    kind: 'wasm',
    reserve(bytes) {
      const have = memory.buffer.byteLength;
      if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
      return memory.buffer;
    },
    gemm: (g) => run.gemm(g.a, g.b, g.c, g.ldc, g.bias, g.blocks, g.panels, g.depth, g.f32 ? 1 : 0),
    pack: (p) => run.pack(p.x, p.offsets, p.outOff, p.dst, p.depth, p.panels),
    direct: (d) => run.direct(d.x, d.w, d.offsets, d.outOff, d.dst, d.bias, d.depth, d.panels, d.f32 ? 1 : 0),
    widen: (w) => run.widen(w.src, w.dst, w.rows, w.inner, w.srcStride, w.dstStride),
  };
}

/** The JS twins, over a plain ArrayBuffer. */
export function jsGemmKernels(): GemmKernels {
  let buffer = new ArrayBuffer(PAGE);
  let f64 = new Float64Array(buffer);
  let f32 = new Float32Array(buffer);
  let i32 = new Int32Array(buffer);
  return {
    kind: 'js',
    reserve(bytes) {
      if (bytes > buffer.byteLength) {
        const grown = new ArrayBuffer(Math.ceil(bytes / PAGE) * PAGE);
        new Uint8Array(grown).set(new Uint8Array(buffer));
        buffer = grown;
        f64 = new Float64Array(buffer);
        f32 = new Float32Array(buffer);
        i32 = new Int32Array(buffer);
      }
      return buffer;
    },
    gemm: (args) => gemmJs(f64, f32, args),
    pack: (args) => packJs(f64, i32, args),
    direct: (args) => directJs(f64, f32, i32, args),
    widen: (args) => widenJs(f64, f32, args),
  };
}

/** JS twin of wasm `gemm`: per 4×4 tile, sums from +0 in k order, then plus the row's bias. */
function gemmJs(f64: Float64Array, f32: Float32Array, g: GemmArgs): void {
  const shift = g.f32 ? 2 : 3;
  const ldc = g.ldc >> shift;
  const c0 = g.c >> shift;
  const target = g.f32 ? f32 : f64;
  const sums = new Float64Array(16);
  for (let ib = 0; ib < g.blocks; ib += 1) {
    const block = (g.a >> 3) + ib * g.depth * 4;
    for (let p = 0; p < g.panels; p += 1) {
      sums.fill(0);
      let bp = (g.b >> 3) + p * g.depth * 4;
      for (let k = 0; k < g.depth; k += 1, bp += 4) {
        for (let r = 0; r < 4; r += 1) {
          const a = f64[block + k * 4 + r] ?? 0;
          for (let c = 0; c < 4; c += 1) sums[r * 4 + c] = (sums[r * 4 + c] ?? 0) + a * (f64[bp + c] ?? 0);
        }
      }
      for (let r = 0; r < 4; r += 1) {
        const bias = f64[(g.bias >> 3) + 4 * ib + r] ?? 0;
        const at = c0 + (4 * ib + r) * ldc + 4 * p;
        for (let c = 0; c < 4; c += 1) target[at + c] = (sums[r * 4 + c] ?? 0) + bias;
      }
    }
  }
}

/** JS twin of wasm `pack`. */
function packJs(f64: Float64Array, i32: Int32Array, p: PackArgs): void {
  let dst = p.dst >> 3;
  for (let panel = 0; panel < p.panels; panel += 1) {
    for (let k = 0; k < p.depth; k += 1) {
      const base = p.x + (i32[(p.offsets >> 2) + k] ?? 0);
      for (let c = 0; c < 4; c += 1) {
        f64[dst + c] = f64[(base + (i32[(p.outOff >> 2) + 4 * panel + c] ?? 0)) >> 3] ?? 0;
      }
      dst += 4;
    }
  }
}

/** JS twin of wasm `direct`. */
function directJs(f64: Float64Array, f32: Float32Array, i32: Int32Array, d: DirectArgs): void {
  const target = d.f32 ? f32 : f64;
  const first = d.dst >> (d.f32 ? 2 : 3);
  const sums = new Float64Array(4);
  for (let panel = 0; panel < d.panels; panel += 1) {
    sums.fill(0);
    for (let k = 0; k < d.depth; k += 1) {
      const base = d.x + (i32[(d.offsets >> 2) + k] ?? 0);
      const w = f64[(d.w >> 3) + k] ?? 0;
      for (let c = 0; c < 4; c += 1) {
        const x = f64[(base + (i32[(d.outOff >> 2) + 4 * panel + c] ?? 0)) >> 3] ?? 0;
        sums[c] = (sums[c] ?? 0) + w * x;
      }
    }
    const at = first + 4 * panel;
    for (let c = 0; c < 4; c += 1) target[at + c] = (sums[c] ?? 0) + d.bias;
  }
}

/** JS twin of wasm `widen`. */
function widenJs(f64: Float64Array, f32: Float32Array, w: WidenArgs): void {
  for (let r = 0; r < w.rows; r += 1) {
    const src = (w.src + r * w.srcStride) >> 2;
    const dst = (w.dst + r * w.dstStride) >> 3;
    for (let i = 0; i < w.inner; i += 1) f64[dst + i] = f32[src + i] ?? 0;
  }
}

/**
 * Packs rows `[0, rows)` of a row-major `rows × depth` matrix (`source` from element `from`) as gemm's A: 4-row
 * blocks `[block][k][4]` of float64 at element `dst` of `f64`, rows past `rows` zero.
 */
export function packRows(
  f64: Float64Array,
  dst: number,
  source: ArrayLike<number>,
  from: number,
  rows: number,
  depth: number,
): void {
  const blocks = Math.ceil(rows / 4);
  f64.fill(0, dst + Math.floor(rows / 4) * depth * 4, dst + blocks * depth * 4);
  for (let row = 0; row < rows; row += 1) {
    let at = dst + (row >> 2) * depth * 4 + (row & 3);
    let src = from + row * depth;
    for (let k = 0; k < depth; k += 1, at += 4, src += 1) f64[at] = source[src] ?? 0;
  }
}

let shared: GemmKernels | undefined;

/** The kernels the reference uses: WebAssembly SIMD where it loads (instantiated once), else the JS twins. */
export function gemmKernels(): GemmKernels {
  shared ??= wasmKernels() ?? jsGemmKernels();
  return shared;
}

/** True when `gemmKernels()` runs the WebAssembly kernels. */
export function usesWasmGemm(): boolean {
  return gemmKernels().kind === 'wasm';
}
