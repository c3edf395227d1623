#!/usr/bin/env bash
# Trains the same small CNN with the same batch (128) and optimiser (Adam 1e-3) on Fashion-MNIST in PyTorch
# (Debian's python3-torch, installed if missing) and in Corrections, one after the other on this machine, and prints
# both throughputs and their ratio as JSON. Optional, not run by CI: python3-torch is a large download.
#   bench/side-by-side.sh [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-300}"
if ! python3 -c 'import torch' 2>/dev/null && ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy >&2
fi
python=/usr/bin/python3
$python -c 'import torch' 2>/dev/null || python=python3
pytorch=$($python bench/pytorch/train_small_cnn.py "$steps" "$(nproc)")
# The same glibc malloc settings Corrections applies in-process (NativeRuntime), for a like-for-like comparison.
pytorch_tuned=$(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864 \
  $python bench/pytorch/train_small_cnn.py "$steps" "$(nproc)")
ours=$(scripts/corrections train --plain --epochs 1 --max-steps-per-epoch "$steps" --crop-padding 0 --no-flip -o /tmp/side-by-side.ctm --json 2>/dev/null)
$python - "$pytorch" "$pytorch_tuned" "$ours" <<'PY'
import json, sys
p = json.loads(sys.argv[1]); t = json.loads(sys.argv[2]); c = json.loads(sys.argv[3])
ceiling = 7700  # ≈ 195 GFLOP/s fp32 matmul peak / ≈ 25 MFLOP per image forward + backward, measured on this machine
print(json.dumps({"pytorch_images_per_s": round(p["images_per_s"]), "pytorch_version": p["version"],
                  "pytorch_with_malloc_tuning_images_per_s": round(t["images_per_s"]),
                  "corrections_images_per_s": round(c["images_per_second"]),
                  "ratio_corrections_over_pytorch": round(c["images_per_second"] / p["images_per_s"], 2),
                  "ratio_corrections_over_tuned_pytorch": round(c["images_per_second"] / t["images_per_s"], 2),
                  "corrections_share_of_ceiling": round(c["images_per_second"] / ceiling, 2)}, indent=2))
PY
