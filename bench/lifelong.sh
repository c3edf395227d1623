#!/usr/bin/env bash
# The lifelong benchmark in process: for each shift, a stream of REPORTS mistakes of the current production on the
# shifted training split, corrected by every method from the demo's editable model (and a plain model for the plain
# editor), measured every 100 reports on the shifted and clean test splits, against an oracle fine-tuned on clean +
# the whole shifted training split. Shifts, the plain model and the oracles are made once and cached under
# .corrections/ (delete to remake), each only when a method asked for uses it. Hyperparameters are the defaults of `corrections lifelong`, tuned on the blur
# shift alone (bench/lifelong-tune.sh). Writes bench/results/<date>-lifelong-<shift>.{json,-*.png}.
# Do not run it beside a build, a test run or another benchmark.
#   bench/lifelong.sh [REPORTS] [SHIFTS...]      (default: 2000 fog noise rotation occlusion)
# LIFELONG_METHODS (default all) picks methods, e.g. memory-consolidation,naive-consolidation,oracle, and
# LIFELONG_SUFFIX is added to the result files' names (so a partial rerun does not overwrite the full one);
# LIFELONG_START_EPOCHS (default 3) and LIFELONG_ORACLE_EPOCHS (default 1) choose the start models' and the oracles'
# training (a converged start and a stronger oracle: the 3-epoch start is under-trained, the 1-epoch oracle no bound).
# LIFELONG_ARGS passes more options to `corrections lifelong`, e.g. "--shift-validation 1000 --shift-gate naive-consolidation".
set -euo pipefail
cd "$(dirname "$0")/.."
reports="${1:-2000}"
shift || true
if (($#)); then families=("$@"); else families=(fog noise rotation occlusion); fi
cli() { dotnet src/Corrections.Cli/bin/Release/net10.0/corrections.dll "$@"; }
scripts/corrections --help >/dev/null   # builds the CLI once
models=.corrections/models
epochs="${LIFELONG_START_EPOCHS:-3}"
oracle_epochs="${LIFELONG_ORACLE_EPOCHS:-1}"
start="$models/fashion-mnist-editable-${epochs}ep.ctm"
plain="$models/fashion-mnist-plain-${epochs}ep.ctm"
methods="${LIFELONG_METHODS:-all}"
# Whether the methods asked for include $1 (the plain model and the oracles are made only for the methods that use them).
needs() { [[ "$methods" == all || ",$methods," == *",$1,"* ]]; }
[[ -f "$start" ]] || cli train --epochs "$epochs" -o "$start"
extra=()
if needs plain-editor; then
  [[ -f "$plain" ]] || cli train --plain --epochs "$epochs" -o "$plain"
  extra+=(--plain-model "$plain")
fi
export CORRECTIONS_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for family in "${families[@]}"; do
  dir=".corrections/shifts/$family"
  oracle="$models/oracle-$family-${oracle_epochs}ep$( ((epochs == 3)) || echo "-from-${epochs}ep").ctm"
  [[ -f "$dir/t10k-labels-idx1-ubyte.gz" ]] || cli shift --family "$family" --out "$dir" --oracle-data "$dir-oracle" --image-folder "$dir-folder"
  with_oracle=()
  if needs oracle; then
    [[ -f "$oracle" ]] || cli train --init "$start" --data "fashion-mnist:$dir-oracle" --epochs "$oracle_epochs" -o "$oracle"
    with_oracle=(--oracle "$oracle")
  fi
  cli lifelong --shift "fashion-mnist:$dir" --model "$start" "${extra[@]}" "${with_oracle[@]}" \
    --methods "$methods" --reports "$reports" --retrain-every 1000 ${LIFELONG_ARGS:-} -o "bench/results/$(date -u +%F)-lifelong-$family${LIFELONG_SUFFIX:-}"
done
