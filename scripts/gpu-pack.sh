#!/usr/bin/env bash
# Packs what scripts/gpu-run.sh needs on a lent GPU machine that reaches no registry, into .gpu/ (git-ignored):
#   - scripts/gpu-check.ts bundled with esbuild (sppkit + protobufjs; onnxruntime-node left external),
#   - onnxruntime-node 1.29.0 + onnxruntime-common 1.29.0 from npm, with Microsoft's ORT 1.29.0 CUDA provider
#     libraries from the npm package com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 (the only npm package that
#     carries them; the same ORT commit as onnxruntime-node 1.29.0, built for CUDA 13),
#   - a Node binary (in case the machine has none), the golden cases to run,
#   and splits it into parts of at most 52 MiB, since one device call carries at most 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
mkdir -p "$work/pkg/node_modules" .gpu
rm -f .gpu/part.* .gpu/SHA256SUMS
( cd "$work" && npm pack --silent onnxruntime-node@1.29.0 onnxruntime-common@1.29.0 com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 >/dev/null )
tar -xzf "$work"/onnxruntime-node-1.29.0.tgz -C "$work" && mv "$work/package" "$work/pkg/node_modules/onnxruntime-node"
tar -xzf "$work"/onnxruntime-common-1.29.0.tgz -C "$work" && mv "$work/package" "$work/pkg/node_modules/onnxruntime-common"
bin="$work/pkg/node_modules/onnxruntime-node/bin/napi-v6"
rm -rf "$bin/darwin" "$bin/win32" "$bin/linux/arm64"
tar -xzf "$work"/com.github.asus4.onnxruntime.linux-x64-gpu-0.4.9.tgz -C "$work" package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so package/Plugins/Linux/x64/libonnxruntime_providers_shared.so
mv "$work"/package/Plugins/Linux/x64/*.so "$bin/linux/x64/"
npx esbuild scripts/gpu-check.ts --bundle --platform=node --format=esm --target=node20 --external:onnxruntime-node \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" --outfile="$work/pkg/gpu-check.mjs" --log-level=warning
cp "$(command -v node)" "$work/pkg/node"
mkdir -p "$work/pkg/golden"
cp -r ../shared/golden/torch "$work/pkg/golden/torch"
mkdir -p "$work/pkg/golden/torch-export"
for f in ../shared/golden/torch-export/*.onnx; do
  stem=$(basename "$f" .onnx)
  case "$stem" in *512c*) continue ;; esac
  cp "$f" "$work/pkg/golden/torch-export/" && cp -r "../shared/golden/torch-export/$stem" "$work/pkg/golden/torch-export/"
done
cp -r test/golden/cases "$work/pkg/golden/sppkit"
tar -C "$work/pkg" -cf - . | xz -T2 -6 > "$work/pack.tar.xz"
split -b 52M -d -a 1 "$work/pack.tar.xz" .gpu/part.
( cd .gpu && sha256sum part.* > SHA256SUMS )
ls -la .gpu
rm -rf "$work"
