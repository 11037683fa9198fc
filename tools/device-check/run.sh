#!/bin/bash
# GPU check of the edge host, run ON the device machine from the repository root (see README.md here): join the
# pieces (three moved to /tmp by earlier calls, the fourth carried now), unpack the .NET runtime, the cityfn build
# and ONNX Runtime's CUDA provider, put the machine's CUDA 13 / cuDNN 9 on LD_LIBRARY_PATH, and run the benches
# (edit the run lines at the end). Results go to $OUT/bench.txt.
set -u
ROOT=$(pwd); W=/tmp/g; rm -rf $W; mkdir -p $W/app
export PATH=$ROOT/.gpu/p4:$PATH LD_LIBRARY_PATH=$ROOT/.gpu/p4
cat /tmp/piece1 /tmp/piece2 /tmp/piece3 .gpu/p4/piece | tar -C $W -xf - || { echo "pieces missing"; ls -la .gpu/*; exit 3; }
zstd -dc $W/rt.tar.zst | tar -C $W -xf -
zstd -dc $W/app.tar.zst | tar -C $W/app -xf -
zstd -d -q --long=27 $W/cuda.zst -o $W/app/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so
export DOTNET_ROOT=$W/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1
LIBDIRS=$(find /opt /usr/local /usr/lib -name 'libcudart.so.13*' -o -name 'libcublasLt.so.13*' -o -name 'libcublas.so.13*' -o -name 'libcurand.so.10*' -o -name 'libcudnn.so.9*' -o -name 'libcufft.so.12*' 2>/dev/null | xargs -r -n1 dirname | sort -u | tr '\n' ':')
export LD_LIBRARY_PATH=${LIBDIRS}${LD_LIBRARY_PATH:-}
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
nproc
C="$W/dotnet/dotnet $W/app/cityfn.dll"
cd "$ROOT"
run() { echo "=== $*"; timeout 150 $C bench edge "$@" 2>&1 | tee -a $OUT/bench.txt | grep -E "^(===|Model|CUDA|│ [0-9])"; }
for b in 256 512; do run --device cpu --model traffic-forecast --instances 8 --max-batch $b --concurrency 16 64 --batch 64 256 --seconds 2; done
run --device cpu --model traffic-forecast --instances 4 --max-batch 256 --concurrency 16 64 --batch 64 256 --seconds 2
run --device cuda --model traffic-forecast --instances 8 --max-batch 256 --concurrency 16 64 --batch 64 256 --seconds 2
