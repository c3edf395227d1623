#!/usr/bin/env bash
# Does retraining undo the drift of sequential edits? A fresh chain of the demo's editable model takes N reports
# (default 340 at 4/s, which leaves > 200 applied corrections), then `corrections retrain` asks the worker's scheduler
# to fold every applied and backlogged correction back in (one epoch of Editable Training from the trained version on
# the training set + corrections x100), the gate validates the retrain, and the command compares start, production,
# retrained and a baseline (the same epoch without the corrections) on the test images never reported (test[5000:];
# the full test set includes the reported ones the retrain trained on) and on the folded corrections.
# Writes bench/results/<date>-retraining.json (and the replay's files beside it).
#   bench/retraining.sh [N] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-340}"
rate="${2:-4}"
stem="bench/results/$(date -u +%F)-retraining"

source bench/pipeline-setup.sh
model="bench-retrain-$(date -u +%H%M%S)"
scripts/corrections register -m "$model" -f "$base" --reason "retraining benchmark" >&2
scripts/corrections replay -m "$model" -n "$count" --rate "$rate" --out "$stem-replay" >&2
train_baseline
scripts/corrections retrain -m "$model" --baseline "$continued" --out "$stem.json"
python3 - "$stem.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"held-out test[{r['held_out_from']}:] error: start {r['start_error_pct']:.2f} %, production before {r['production_error_pct']:.2f} %, "
      f"retrained {r['retrained_error_pct']:.2f} %, the same epoch without corrections {r['baseline_error_pct']:.2f} %; "
      f"retrained vs start {r['retrained_error_pct'] - r['start_error_pct']:+.2f} pp, vs that baseline {r['retrained_error_pct'] - r['baseline_error_pct']:+.2f} pp")
PY
git rev-parse --short HEAD >"$stem.commit" 2>/dev/null || true
