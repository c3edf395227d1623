#!/usr/bin/env bash
# Does retraining undo the drift of sequential edits? A fresh chain of the demo's editable model takes N reports
# (default 340 at 4/s, which leaves > 200 applied corrections), then `corrections retrain` folds every applied and
# backlogged correction back in (Editable Training from the trained version on the training set + corrections x20),
# the gate validates the retrain, and the command compares start, production and retrained on the full test set and on
# the folded corrections. Writes bench/results/<date>-retraining.json (and the replay's files beside it).
#   bench/retraining.sh [N] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-340}"
rate="${2:-4}"
base=".corrections/models/fashion-mnist-editable-3ep.ctm"
stem="bench/results/$(date -u +%F)-retraining"

started_services=0
if ! scripts/services status >/dev/null 2>&1; then scripts/services start; started_services=1; fi
cleanup() {
  scripts/worker stop || true
  if ((started_services)); then scripts/services stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
eval "$(scripts/services env)"
[[ -f "$base" ]] || scripts/corrections train --epochs 3 -o "$base"
scripts/worker start
model="bench-retrain-$(date -u +%H%M%S)"
scripts/corrections register -m "$model" -f "$base" --reason "retraining benchmark" >&2
scripts/corrections replay -m "$model" -n "$count" --rate "$rate" --out "$stem-replay" >&2
scripts/corrections retrain -m "$model" --out "$stem.json"
git rev-parse --short HEAD >"$stem.commit" 2>/dev/null || true
