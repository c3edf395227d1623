#!/usr/bin/env bash
# Device placement on a CUDA machine: the paper's setting (Editable Training of the CIFAR ResNet-18, layer3 editable,
# random crop + flip, Adam) and its edits, once with --device cuda and once with --device cpu, from one CUDA build.
# Records training images/s, edit latency, drawdown and success for each device in bench/results/<date>-gpu.json.
# With GPU_PIPELINE=1 it then runs bench/models.sh with every worker on the GPU (needs scripts/prerequisites).
#
# What the machine needs (README, "A CUDA machine"): an NVIDIA driver (nvidia-smi works), the .NET 10 SDK, and
# nuget.org reachable, because TorchSharp-cuda-linux is not on the CI machine's mirror. Not run on the CI machine,
# which has no GPU; nothing here is a figure until a CUDA machine has run it.
#   bench/gpu.sh                 # CIFAR10_DIR=DIR for real CIFAR-10 (binary version); else generated images
#   GPU_EPOCHS=1 GPU_TRAIN_LIMIT=10000 GPU_EDITS=200 bench/gpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${GPU_EPOCHS:-1}"
limit="${GPU_TRAIN_LIMIT:-10000}"
edits="${GPU_EDITS:-200}"
day="$(date -u +%F)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v nvidia-smi >/dev/null || { echo "bench/gpu.sh: nvidia-smi not found: this needs a machine with an NVIDIA driver." >&2; exit 1; }
gpu="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
echo "[gpu] $gpu" >&2

# MSBuild reads TorchBackend from the environment: scripts/corrections and scripts/worker build the CUDA flavour.
export TorchBackend=cuda
dotnet build src/Corrections.Cli -c Release -nologo -v quiet >&2
cli=(dotnet src/Corrections.Cli/bin/Release/net10.0/corrections.dll)

data="${CIFAR10_DIR:-}"
source_name="cifar-10"
if [[ -z "$data" ]]; then
  # CIFAR-10's binary layout (1 label byte + 3,072 pixel bytes per image) filled with random bytes: a throughput
  # measurement only; its error rates mean nothing.
  data="$work/cifar"
  source_name="generated (random pixels)"
  mkdir -p "$data"
  python3 - "$data" <<'EOF'
import os, sys
root = sys.argv[1]
def write(name, count):
    with open(os.path.join(root, name), "wb") as f:
        for i in range(count):
            f.write(bytes([i % 10]) + os.urandom(3072))
for k in range(1, 6):
    write(f"data_batch_{k}.bin", 2000)
write("test_batch.bin", 2000)
EOF
fi
echo "[gpu] data: $source_name ($data)" >&2

run_device() {
  local device="$1"
  echo "[gpu] $device: Editable Training, $epochs epoch(s) on $limit images" >&2
  "${cli[@]}" train --data "cifar10:$data" --subset layer3 --epochs "$epochs" --train-limit "$limit" \
    --device "$device" --json -o "$work/$device.ctm" >"$work/$device-train.json"
  echo "[gpu] $device: $edits edits" >&2
  "${cli[@]}" evaluate -m "$work/$device.ctm" --data "cifar10:$data" --edits "$edits" \
    --device "$device" --json >"$work/$device-edits.json"
}
run_device cuda
run_device cpu

out="bench/results/$day-gpu.json"
python3 - "$work" "$out" "$gpu" "$source_name" "$(git rev-parse --short HEAD)" "$epochs" "$limit" "$edits" <<'EOF'
import json, sys
work, out, gpu, source, commit, epochs, limit, edits = sys.argv[1:]
result = {
    "command": f"GPU_EPOCHS={epochs} GPU_TRAIN_LIMIT={limit} GPU_EDITS={edits} bench/gpu.sh",
    "commit": commit, "gpu": gpu, "data": source,
    "devices": {d: {"train": json.load(open(f"{work}/{d}-train.json")),
                    "edits": json.load(open(f"{work}/{d}-edits.json"))} for d in ("cuda", "cpu")},
}
json.dump(result, open(out, "w"), indent=2)
print(out)
EOF

if [[ "${GPU_PIPELINE:-0}" == 1 ]]; then
  echo "[gpu] the pipeline with every worker on the GPU" >&2
  CORRECTIONS_COMPUTE__DEVICE=cuda bench/models.sh "${GPU_PIPELINE_REPORTS:-150}"
fi
