/**
 * The `ort-cuda` backend: onnxruntime-node's CUDA EP, with no CPU fallback.
 *
 * ORT loads `libonnxruntime_providers_cuda.so` (and `libonnxruntime_providers_shared.so`) only from the folder of
 * `libonnxruntime.so.1`, i.e. next to the Node binding (`node_modules/onnxruntime-node/bin/napi-v6/linux/x64/`).
 * onnxruntime-node's postinstall downloads them there unless installed with `ONNXRUNTIME_NODE_INSTALL=skip`;
 * `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` fetches them later. The provider needs an NVIDIA
 * driver (`/dev/nvidia<N>`, `libcuda.so.1`), the CUDA runtime/cuBLAS libraries it links (found through
 * `LD_LIBRARY_PATH`, which must be set before Node starts) and cuDNN 9 (pooling runs on cuDNN).
 *
 * Availability checks each of these without loading anything into this process (see ort-probe.ts) and reports
 * every missing piece. If session creation still fails, `load` throws a BackendError with ORT's message; it never
 * runs on the CPU instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Availability } from '../backend.js';
import { ortErrorText, type GraphOptimizationLevel, type ModelEncoder } from '../ort-session.js';
import { createOrtBackend, ortBinaryDir, type OrtBackend, type OrtModule } from './ort-node.js';
import { probeLibraries, probeSessionInChild } from './ort-probe.js';

/** Environment variable naming the folder to look for ORT's CUDA provider libraries in (default: the binding's). */
export const CUDA_PROVIDER_DIR_ENV = 'SPPKIT_ORT_CUDA_PROVIDER_DIR';

/** The provider libraries ORT needs for the CUDA EP. */
export const CUDA_PROVIDER_LIBRARIES = [
  'libonnxruntime_providers_shared.so',
  'libonnxruntime_providers_cuda.so',
] as const;

/** cuDNN, loaded lazily by the CUDA EP (MaxPool/AveragePool/Conv use it). */
const CUDNN_LIBRARY = 'libcudnn.so.9';
const CUDA_DRIVER_LIBRARY = 'libcuda.so.1';
const INSTALL_HINT =
  'install onnxruntime-node without ONNXRUNTIME_NODE_INSTALL=skip, ' +
  'or run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`';

/** Options of `createOrtCudaBackend`. */
export interface OrtCudaOptions {
  /** CUDA device ordinal (default 0). */
  readonly deviceId?: number;
  /** Where to look for the provider libraries (default: `$SPPKIT_ORT_CUDA_PROVIDER_DIR`, else the binding folder). */
  readonly providerDir?: string;
  /** Allow nodes the CUDA EP cannot run to run on ORT's CPU EP (default false: refuse to load such a model). */
  readonly cpuFallback?: boolean;
  /** Default graph optimization level (`all`). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Serializer override (tests); default `encodeModel`. */
  readonly encode?: ModelEncoder;
}

/** Reasons the CUDA EP cannot run here (empty when every check passed). Loads nothing into this process. */
export async function cudaProblems(options: {
  readonly deviceId: number;
  readonly providerDir: string;
  readonly bindingDir: string;
}): Promise<string[]> {
  const problems: string[] = [];
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return [
      `onnxruntime-node ships the CUDA EP for linux/x64 (and win32/x64); this is ${process.platform}/${process.arch}`,
    ];
  }
  const missing = CUDA_PROVIDER_LIBRARIES.filter((name) => !existsSync(path.join(options.providerDir, name)));
  if (missing.length > 0) {
    problems.push(
      `provider librar${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')} missing in ${options.providerDir} ` +
        `(${INSTALL_HINT})`,
    );
  } else if (path.resolve(options.providerDir) !== path.resolve(options.bindingDir)) {
    problems.push(
      `the provider libraries are in ${options.providerDir}, but onnxruntime loads them only from next to ` +
        `libonnxruntime.so.1 in ${options.bindingDir}: copy or link them there`,
    );
  }
  const device = `/dev/nvidia${options.deviceId}`;
  // The provider itself is not dlopen'ed here: it resolves symbols against onnxruntime's core, so only a real
  // session (probeSessionInChild, below) can tell whether it loads.
  const libraries = [CUDA_DRIVER_LIBRARY, CUDNN_LIBRARY];
  const probes = await probeLibraries(libraries);
  const driver = probes.get(CUDA_DRIVER_LIBRARY);
  const noDevice = !existsSync(device);
  if (noDevice || driver?.loaded !== true) {
    const what = [
      noDevice ? `${device} absent` : '',
      driver?.loaded === false ? `${CUDA_DRIVER_LIBRARY} not loadable (${driver.error})` : '',
    ].filter((s) => s !== '');
    problems.push(`no NVIDIA driver: ${what.join('; ')}`);
  }
  const cudnn = probes.get(CUDNN_LIBRARY);
  if (cudnn?.loaded === false)
    problems.push(`cuDNN missing: ${cudnn.error} (the CUDA EP runs pooling through cuDNN 9)`);
  return problems;
}

/** The environment variable with which NVIDIA's libraries allow (1) or forbid (0) TF32 math for float32. */
export const TF32_ENV = 'NVIDIA_TF32_OVERRIDE';

/**
 * Forbids TF32 for float32 math unless the user chose: cuBLAS/cuDNN use TF32 for float32 convolutions on Ampere and
 * newer unless told not to, which puts Conv results ~1e-3 away from float32 (and from every other backend). sppkit
 * wants float32 semantics; set NVIDIA_TF32_OVERRIDE=1 yourself before the first CUDA session to allow TF32.
 */
export function keepFloat32Math(env: Record<string, string | undefined> = process.env): void {
  env[TF32_ENV] ??= '0';
}

function explain(message: string): string {
  if (/Failed to load shared library|cannot open shared object/.test(message))
    return `${message} (the CUDA provider or a library it needs could not be loaded; ${INSTALL_HINT})`;
  if (/disable_cpu_ep_fallback|CPU EP fallback|fallback to CPU/i.test(message))
    return `${message} (some nodes cannot run on the CUDA EP; pass cpuFallback: true to allow ORT's CPU EP for them)`;
  return message;
}

/** The `ort-cuda` backend. */
export function createOrtCudaBackend(options: OrtCudaOptions = {}): OrtBackend {
  const deviceId = options.deviceId ?? 0;
  if (!Number.isInteger(deviceId) || deviceId < 0)
    throw new RangeError(`ort-cuda: deviceId must be a non-negative integer, got ${deviceId}`);
  return createOrtBackend({
    name: 'ort-cuda',
    providerName: 'CUDAExecutionProvider',
    // Only 'cuda': listing 'cpu' after it would let ORT place unsupported nodes on the CPU without saying so.
    executionProviders: () => [{ name: 'cuda', deviceId }],
    cpuFallback: options.cpuFallback ?? false,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    describe: () => `device ${deviceId}`,
    explainLoadFailure: explain,
    ...(options.encode === undefined ? {} : { encode: options.encode }),
    check: async (ort: OrtModule): Promise<Availability> => {
      keepFloat32Math();
      const bindingDir = ortBinaryDir();
      const providerDir = options.providerDir ?? process.env[CUDA_PROVIDER_DIR_ENV] ?? bindingDir;
      const problems = await cudaProblems({ deviceId, providerDir, bindingDir });
      if (problems.length > 0) return { available: false, reason: problems.join('; ') };
      // Everything is in place: a real session on the CUDA EP alone (in a child process) is the final word.
      const probe = await probeSessionInChild([{ name: 'cuda', deviceId }]);
      if (probe.failure !== undefined)
        return {
          available: false,
          reason: `a CUDA session could not run the probe model: ${explain(ortErrorText(probe.failure, true))}`,
        };
      return {
        available: true,
        detail:
          `onnxruntime-node ${ort.env.versions.node ?? '?'}, CUDAExecutionProvider on device ${deviceId}, ` +
          `providers from ${providerDir}`,
      };
    },
  });
}
