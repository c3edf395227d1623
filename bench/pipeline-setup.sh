# Sourced by the pipeline benchmarks (bench/pipeline.sh, bench/retraining.sh) from the repository root: starts the local
# services unless they run already (and stops them again on exit), exports their settings, trains the demo's 3-epoch
# editable model once into $base, and starts the worker (stopped on exit).
base=".corrections/models/fashion-mnist-editable-3ep.ctm"
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
