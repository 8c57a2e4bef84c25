/**
 * The `ort-webgpu` backend: the WebGPU EP bundled in onnxruntime-node (Dawn on Vulkan, linux/x64 and Windows).
 *
 * Dawn needs a Vulkan loader (`libvulkan.so.1`, Debian `libvulkan1`) and a Vulkan driver (ICD) it accepts. Seen
 * working: SwiftShader from Debian's `chromium` package (`/usr/lib/chromium/vk_swiftshader_icd.json`), Mesa 25
 * lavapipe, NVIDIA's driver. Debian 12's own lavapipe (Mesa 22.3) is rejected by Dawn.
 *
 * **VK_ICD_FILENAMES must be set before ORT first initialises WebGPU in the process**: Dawn enumerates adapters
 * once, and a failed attempt cannot be retried with another driver (seen with ORT 1.30). So `availability()`
 * (which `load` always awaits first) chooses the driver before anything in this process touches WebGPU:
 *  1. if `VK_ICD_FILENAMES`/`VK_DRIVER_FILES` is set (or the `vulkanIcd` option), only that;
 *  2. else the system's ICDs (`/usr/share/vulkan/icd.d`, `/etc/vulkan/icd.d`, ...), then Chromium's SwiftShader;
 * each candidate is tried in a child process (a tiny MaxPool session on `['webgpu']` only, with CPU fallback
 * disabled); the first that works is used, setting `process.env.VK_ICD_FILENAMES` when it needs it; then the same
 * tiny session is created and run once in this process. The result is cached. To pick a driver yourself, set
 * `VK_ICD_FILENAMES` before starting node (or at least before the first WebGPU session).
 *
 * Sessions are created with `executionProviders: ['webgpu']` and ORT's `session.disable_cpu_ep_fallback`, so a
 * model loads only when every node is assigned to the WebGPU EP; `cpuFallback: true` relaxes that.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Availability } from '../backend.js';
import {
  encodeForOrt,
  ortErrorText,
  OrtSession,
  type GraphOptimizationLevel,
  type ModelEncoder,
} from '../ort-session.js';
import { probeModel, runProbe } from '../probe.js';
import { createOrtBackend, type OrtBackend, type OrtModule } from './ort-node.js';
import { probeLibraries, probeSessionInChild } from './ort-probe.js';

/** SwiftShader's ICD manifest as shipped by Debian's `chromium` package. */
export const CHROMIUM_SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Folders the Vulkan loader searches for ICD manifests (besides `$XDG_DATA_DIRS/vulkan/icd.d`). */
const SYSTEM_ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d'];
const VULKAN_LOADER = 'libvulkan.so.1';

/** Options of `createOrtWebGpuBackend`. */
export interface OrtWebGpuOptions {
  /** ICD manifest to use when `VK_ICD_FILENAMES` is not set (set into the environment before WebGPU starts). */
  readonly vulkanIcd?: string;
  /** Allow nodes the WebGPU EP cannot run to run on ORT's CPU EP (default false: refuse to load such a model). */
  readonly cpuFallback?: boolean;
  /** Default graph optimization level (`all`). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Serializer override (tests); default `encodeModel`. */
  readonly encode?: ModelEncoder;
}

/** A Vulkan driver choice: the environment it needs and how to name it. */
export interface IcdCandidate {
  /** `VK_ICD_FILENAMES` to set, or undefined to use the environment as it is. */
  readonly icdFiles: string | undefined;
  readonly label: string;
}

/** The ICD manifests the Vulkan loader would find by itself. */
export function systemIcdManifests(): string[] {
  const dataDirs = (process.env['XDG_DATA_DIRS'] ?? '')
    .split(':')
    .filter((d) => d !== '')
    .map((d) => path.join(d, 'vulkan', 'icd.d'));
  const found: string[] = [];
  for (const dir of [...new Set([...SYSTEM_ICD_DIRS, ...dataDirs])]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.json')) found.push(path.join(dir, name));
  }
  return found;
}

/** The drivers to try, in order (see the file comment). */
export function icdCandidates(vulkanIcd: string | undefined): IcdCandidate[] {
  const fromEnv = process.env['VK_ICD_FILENAMES'] ?? process.env['VK_DRIVER_FILES'];
  if (fromEnv !== undefined && fromEnv !== '')
    return [{ icdFiles: undefined, label: `Vulkan ICD from the environment (${fromEnv})` }];
  if (vulkanIcd !== undefined) return [{ icdFiles: vulkanIcd, label: `Vulkan ICD ${vulkanIcd} (vulkanIcd option)` }];
  const candidates: IcdCandidate[] = [];
  const system = systemIcdManifests();
  if (system.length > 0)
    candidates.push({
      icdFiles: undefined,
      label: `system Vulkan ICDs (${system.map((f) => path.basename(f)).join(', ')})`,
    });
  if (existsSync(CHROMIUM_SWIFTSHADER_ICD))
    candidates.push({ icdFiles: CHROMIUM_SWIFTSHADER_ICD, label: `SwiftShader (${CHROMIUM_SWIFTSHADER_ICD})` });
  return candidates;
}

/** Why Dawn rejected adapters: it says so only on stderr (`Warning: Vulkan ... required.`). */
function dawnWarnings(stderr: string): string {
  const dawn = stderr
    .split('\n')
    .filter((l) => l.startsWith('Warning:'))
    .map((l) => l.slice('Warning:'.length).trim());
  return dawn.length > 0 ? ` (Dawn: ${dawn.join('; ')})` : '';
}

/** The outcome of trying the candidate drivers in child processes. */
interface DriverSelection {
  readonly chosen: IcdCandidate | undefined;
  /** `label: why` for each candidate that did not work. */
  readonly failures: readonly string[];
}

/** Tries each candidate in a child process, in order, until one runs the probe model correctly. */
async function selectDriver(candidates: readonly IcdCandidate[]): Promise<DriverSelection> {
  const failures: string[] = [];
  for (const candidate of candidates) {
    const env: Record<string, string> =
      candidate.icdFiles === undefined ? {} : { VK_ICD_FILENAMES: candidate.icdFiles };
    const { failure, stderr } = await probeSessionInChild(['webgpu'], env);
    if (failure === undefined) return { chosen: candidate, failures };
    failures.push(`${candidate.label}: ${failure}${dawnWarnings(stderr)}`);
  }
  return { chosen: undefined, failures };
}

/** Driver choices by `vulkanIcd` option, made once per process: the driver cannot change once WebGPU started. */
const driverSelections = new Map<string, Promise<DriverSelection>>();

/** True once this module has created a WebGPU session in this process (after which the ICD cannot change). */
let webgpuStarted = false;

/** The `ort-webgpu` backend. */
export function createOrtWebGpuBackend(options: OrtWebGpuOptions = {}): OrtBackend {
  let driverLabel = '';
  const encode = options.encode ?? encodeForOrt;
  const check = async (ort: OrtModule): Promise<Availability> => {
    if (!ort.listSupportedBackends().some((entry) => entry.name === 'webgpu' && entry.bundled)) {
      return {
        available: false,
        reason:
          `onnxruntime-node ${ort.env.versions.node ?? '?'} has no bundled WebGPU EP ` +
          `on ${process.platform}/${process.arch}`,
      };
    }
    if (process.platform === 'linux') {
      const loader = (await probeLibraries([VULKAN_LOADER])).get(VULKAN_LOADER);
      if (loader?.loaded === false)
        return {
          available: false,
          reason: `Vulkan loader not loadable: ${loader.error} (Debian: apt-get install libvulkan1)`,
        };
    }
    const candidates = icdCandidates(options.vulkanIcd);
    if (candidates.length === 0) {
      return {
        available: false,
        reason:
          `no Vulkan driver: VK_ICD_FILENAMES is not set, no ICD manifest in ${SYSTEM_ICD_DIRS.join(', ')}, ` +
          `and no ${CHROMIUM_SWIFTSHADER_ICD} (Debian: apt-get install chromium for SwiftShader)`,
      };
    }
    const key = options.vulkanIcd ?? '';
    let selection = driverSelections.get(key);
    if (selection === undefined) {
      selection = selectDriver(candidates);
      driverSelections.set(key, selection);
    }
    const { chosen, failures } = await selection;
    if (chosen === undefined)
      return { available: false, reason: `no Vulkan driver worked for Dawn: ${failures.join('; ')}` };
    if (chosen.icdFiles !== undefined) {
      if (webgpuStarted && process.env['VK_ICD_FILENAMES'] !== chosen.icdFiles) {
        return {
          available: false,
          reason:
            `${chosen.label} works, but WebGPU was already started in this process with another driver; ` +
            `set VK_ICD_FILENAMES=${chosen.icdFiles} before starting node`,
        };
      }
      process.env['VK_ICD_FILENAMES'] = chosen.icdFiles;
    }
    driverLabel = chosen.label;
    // The same probe in this process: proves that this process (not only a child) can run WebGPU.
    const probe = probeModel();
    try {
      webgpuStarted = true;
      const created = await ort.InferenceSession.create(await encode(probe.model), {
        executionProviders: ['webgpu'],
        extra: { session: { disable_cpu_ep_fallback: '1' } },
      });
      const session = new OrtSession('probe', 'ort-webgpu', ort.Tensor, created);
      const mismatch = await runProbe(session, probe).finally(() => session.dispose());
      if (mismatch !== undefined) return { available: false, reason: `in-process ${mismatch} with ${chosen.label}` };
    } catch (error) {
      return {
        available: false,
        reason: `${chosen.label} worked in a child process but not in this one: ${ortErrorText(error)}`,
      };
    }
    const skipped = failures.length > 0 ? ` (rejected: ${failures.join('; ')})` : '';
    return {
      available: true,
      detail: `onnxruntime-node ${ort.env.versions.node ?? '?'}, WebGpuExecutionProvider on ${chosen.label}${skipped}`,
    };
  };
  return createOrtBackend({
    name: 'ort-webgpu',
    providerName: 'WebGpuExecutionProvider',
    // Only 'webgpu': listing 'cpu' after it would let ORT move nodes to the CPU without saying so.
    executionProviders: () => ['webgpu'],
    cpuFallback: options.cpuFallback ?? false,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    describe: () => driverLabel,
    explainLoadFailure: (message) =>
      /fallback/i.test(message)
        ? `${message} (some nodes cannot run on the WebGPU EP; pass cpuFallback: true to allow ORT's CPU EP for them)`
        : message,
    encode,
    check,
  });
}
