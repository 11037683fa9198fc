#!/bin/bash
# Packs what the edge host's GPU check needs into four pieces of at most 62.5 MB under .gpu/p1..p4 (git-ignored),
# because one call of the device tool carries at most 64 MiB and the device machine has no .NET SDK or zstd:
# the .NET runtime of this machine, the Release build of cityfn (without its 284 MB CUDA provider), the CUDA
# provider itself, this machine's zstd binary, and run.sh. Build first: dotnet build tools/CityFn.Cli -c Release.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
bin=tools/CityFn.Cli/bin/Release/net10.0
cuda=$bin/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so
[ -f "$cuda" ] || { echo "build first: dotnet build tools/CityFn.Cli -c Release" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
tar -C "$(dirname "$dotnet_root")" -cf - "$(basename "$dotnet_root")"/dotnet "$(basename "$dotnet_root")"/host "$(basename "$dotnet_root")"/shared \
  | zstd -T2 -10 -q -o "$work/rt.tar.zst"
tar -C "$bin" --exclude=runtimes/win --exclude=libonnxruntime_providers_cuda.so --exclude=libonnxruntime_providers_tensorrt.so \
  --exclude='*.pdb' --exclude='*.xml' -cf - . | zstd -T2 -10 -q -o "$work/app.tar.zst"
zstd -T2 -19 --long=27 -q -o "$work/cuda.zst" "$cuda"   # about 2 minutes
tar -C "$work" -cf "$work/all.tar" rt.tar.zst app.tar.zst cuda.zst
(cd "$work" && split -b 62500000 -d -a 1 all.tar piece.)
[ ! -e "$work/piece.4" ] || { echo "the payload needs more than four pieces; extend run.sh" >&2; exit 1; }
rm -rf .gpu && mkdir -p .gpu/p1 .gpu/p2 .gpu/p3 .gpu/p4
for i in 1 2 3 4; do mv "$work/piece.$((i - 1))" ".gpu/p$i/piece"; done
cp /usr/bin/zstd "$(ldconfig -p | awk '/liblz4.so.1 /{print $NF; exit}')" tools/device-check/run.sh .gpu/p4/
du -sh .gpu/p*
