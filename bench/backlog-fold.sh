#!/usr/bin/env bash
# Retraining once the backlog is large enough, end to end: a burst of N reports (default 600) at once on a fresh chain
# of the demo's editable model, with the editor's queue kept short (Pipeline:MaxWaitingReports 100) so that most of the
# burst is deferred to the backlog, and a schedule that fires every 15 s but trains only once MIN corrections (default
# 400) wait (Retraining:Schedules MinCorrections). `corrections retrain --scheduled` then waits for that run's version
# and the gate's verdict, and compares start, production, retrained and a baseline (the same epoch without the
# corrections) on the test images never reported (test[5000:]) and on the folded corrections.
# Writes bench/results/<date>-backlog-fold.json (and the replay's files beside it). Do not run it beside a build.
#   bench/backlog-fold.sh [N] [MIN]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-600}"
minimum="${2:-400}"
stem="bench/results/$(date -u +%F)-backlog-fold"
model="bench-backlog-$(date -u +%H%M%S)"

# The worker reads these at start; one already running would not have them.
scripts/worker stop >/dev/null 2>&1 || true
export CORRECTIONS_RETRAINING__SCHEDULES__0__MODEL="$model"
export CORRECTIONS_RETRAINING__SCHEDULES__0__CRON="0/15 * * * * ?"
export CORRECTIONS_RETRAINING__SCHEDULES__0__MINCORRECTIONS="$minimum"
export CORRECTIONS_PIPELINE__MAXWAITINGREPORTS=100
source bench/pipeline-setup.sh

since="$(date -u +%FT%T.%NZ)"
scripts/corrections register -m "$model" -f "$base" --reason "backlog fold benchmark" >&2
scripts/corrections replay -m "$model" -n "$count" --rate 0 --timeout 1800 --out "$stem-replay" >&2
train_baseline
scripts/corrections retrain -m "$model" --scheduled --since "$since" --baseline "$continued" --out "$stem.json"
grep -E "not yet|not again|Retraining of $model" .corrections/worker.log | sed -E 's/^[^ ]+ //' | tail -8 >"$stem-schedule.log" || true
python3 bench/retrain-summary.py "$stem.json"
git rev-parse --short HEAD >"$stem.commit" 2>/dev/null || true
