# Sourced by the pipeline benchmarks (bench/pipeline.sh, bench/retraining.sh) from the repository root: starts the local
# services unless they run already (and stops them again on exit), exports their settings, trains the demo's 3-epoch
# editable model once into $base, registers the trusted producer the reports come from, and starts the worker (stopped on exit). `train_baseline` trains, once, the retraining
# benchmarks' fair baseline into $continued.
# A script that sets base_epochs first gets the model of that many epochs instead.
base_epochs="${base_epochs:-3}"
base=".corrections/models/fashion-mnist-editable-${base_epochs}ep.ctm"
started_services=0
if ! scripts/services status >/dev/null 2>&1; then scripts/services start; started_services=1; fi
cleanup() {
  scripts/worker stop || true
  if ((started_services)); then scripts/services stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
eval "$(scripts/services env)"
[[ -f "$base" ]] || scripts/corrections train --epochs "$base_epochs" -o "$base"
scripts/corrections migrate >&2   # as the migrator; the CLI and the worker run without DDL
# Reports come from a registered, trusted producer (anonymous ones are refused); the CLI's broker login may publish as it.
scripts/corrections producers add bench-monitor --trust trusted --if-missing >/dev/null
export CORRECTIONS_PRODUCER=bench-monitor
scripts/worker start

# The fair baseline of the retraining benchmarks: the same epoch from the same start on the training set alone
# (RetrainingOptions defaults: 1 epoch, lr 1e-3, batch 128, crop 2, no flip, 3 in-graph steps, seed 1), so the gain of
# training longer is not credited to the corrections.
continued=".corrections/models/fashion-mnist-editable-3ep-continued.ctm"
train_baseline() {
  [[ -f "$continued" ]] || scripts/corrections train --init "$base" --epochs 1 --lr 1e-3 --batch-size 128 --crop-padding 2 --no-flip \
    --train-max-steps 3 --seed 1 -o "$continued" --json >/dev/null
}
