#!/usr/bin/env bash
# Device side of the GPU check (see scripts/gpu-pack.sh): reassembles .gpu/part.*, points the CUDA provider at the
# CUDA 13 / cuDNN 9 libraries of the machine's Python environment (nvidia/*/lib), and runs the bundled check.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "== machine"; nvidia-smi -L 2>&1 | head -2
( cd .gpu && sha256sum -c SHA256SUMS ) || { echo "parts missing or corrupt"; ls -la .gpu; exit 3; }
rm -rf /tmp/gpu && mkdir -p /tmp/gpu && cat .gpu/part.* | xz -d | tar -C /tmp/gpu -xf -
NODE=$(command -v node || true)
if [ -z "$NODE" ] || ! "$NODE" -e 'process.exit(+process.versions.node.split(".")[0] < 20 ? 1 : 0)'; then NODE=/tmp/gpu/node; fi
echo "== node: $NODE $("$NODE" --version)"
PYLIBS=$(python3 -c 'import glob,site,os;print(":".join(sorted(glob.glob(os.path.join(site.getsitepackages()[0],"nvidia","*","lib")))))' 2>/dev/null || true)
export LD_LIBRARY_PATH="${PYLIBS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "== LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
# WebGPU (Dawn) needs the Vulkan loader, and NVIDIA's Vulkan ICD (libGLX_nvidia) needs glvnd; the image has
# neither: unpack Debian's packages (carried as .gpu/*.deb), as the device notes advise.
if ! ldconfig -p | grep -q "libvulkan.so.1 " && ls .gpu/*.deb >/dev/null 2>&1; then
  for f in .gpu/*.deb; do dpkg -x "$f" /; done; ldconfig
fi
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; fi
[ -f .gpu/gpu-check.mjs ] && cp .gpu/gpu-check.mjs /tmp/gpu/gpu-check.mjs
cd /tmp/gpu && timeout "${GPU_CHECK_TIMEOUT:-400}" "$NODE" gpu-check.mjs --backends "${GPU_BACKENDS:-ref,ort-cpu,ort-cuda,ort-webgpu}" golden/torch golden/torch-export golden/sppkit 2>&1 | grep -v XDG_RUNTIME | tee "${OUT:-/tmp}/gpu-check.log"
