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
python3 bench/retrain-summary.py "$stem.json"
git rev-parse --short HEAD >"$stem.commit" 2>/dev/null || true
