#!/usr/bin/env bash
# The lifelong stream through the running service: for each shift, REPORTS mistakes of the current production on the
# shifted training split go to RabbitMQ one after another (at most RATE per second, each once the previous one
# settled), the worker remembers each in a candidate, the gate judges it, Postgres records it, and the worker's
# clustered Quartz scheduler consolidates the model every 5 s once 100 corrections wait. Every 100 reports the stream
# measures production (loaded from the model store) on the shifted and clean test splits, and records report ->
# effective latency (observation to the worker's applied_at). Start: the demo's 3-epoch editable model, registered
# afresh per shift. The gate validates on the clean train[5000:7000), the memory's reference is train[0:5000): no
# test image shapes a decision. Writes bench/results/<date>-lifelong-service-<shift>.{json,-*.png}.
# Do not run it beside a build, a test run or another benchmark.
#   bench/lifelong-service.sh [REPORTS] [RATE] [SHIFTS...]      (default: 2000 2 fog)
# LIFELONG_START_EPOCHS (e.g. 15) starts from the `corrections train --epochs N` model instead (trained once, cached
# like bench/lifelong.sh's), LIFELONG_SUFFIX is added to the result files' names and LIFELONG_ARGS passes more options
# to `corrections lifelong` (e.g. "--shift-validation 1000", so the stream draws the same reports as an in-process run).
set -euo pipefail
cd "$(dirname "$0")/.."
reports="${1:-2000}"
rate="${2:-2}"
shift 2 || shift $# || true
if (($#)); then families=("$@"); else families=(fog); fi
run="$(date -u +%H%M%S)"

# The worker's settings for this run: every chain remembers; each stream's model consolidates on the cron.
export CORRECTIONS_MEMORY__MODELS__0='*'
for i in "${!families[@]}"; do
  export "CORRECTIONS_RETRAINING__SCHEDULES__${i}__MODEL=lifelong-${families[$i]}-$run"
  export "CORRECTIONS_RETRAINING__SCHEDULES__${i}__CRON=0/5 * * * * ?"
  export "CORRECTIONS_RETRAINING__SCHEDULES__${i}__MINCORRECTIONS=100"
done
export CORRECTIONS_VALIDATION__SETS__0__NAME=fashion-mnist-train-validation
export CORRECTIONS_VALIDATION__SETS__0__SPLIT=train
export CORRECTIONS_VALIDATION__SETS__0__SKIP=5000
export CORRECTIONS_VALIDATION__SETS__0__TAKE=2000
export CORRECTIONS_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
base_epochs="${LIFELONG_START_EPOCHS:-3}"
source bench/pipeline-setup.sh

cli() { dotnet src/Corrections.Cli/bin/Release/net10.0/corrections.dll "$@"; }
for family in "${families[@]}"; do
  dir=".corrections/shifts/$family"
  [[ -f "$dir/t10k-labels-idx1-ubyte.gz" ]] || cli shift --family "$family" --out "$dir" --oracle-data "$dir-oracle" --image-folder "$dir-folder"
  model="lifelong-$family-$run"
  scripts/corrections register -m "$model" -f "$base" --reason "lifelong benchmark through the service, $family shift" >&2
  cli lifelong --shift "fashion-mnist:$dir" --model "$base" --methods service --service-model "$model" --service-rate "$rate" \
    --reports "$reports" ${LIFELONG_ARGS:-} -o "bench/results/$(date -u +%F)-lifelong-service-$family${LIFELONG_SUFFIX:-}"
  scripts/corrections versions -m "$model" | tail -15 || true
done
