#!/usr/bin/env bash
# Tunes the lifelong methods' hyperparameters on the blur shift alone (500 reports, one checkpoint per 100), never on
# the four reported shifts. Every configuration is spelled out, so the runs do not depend on the current defaults.
# Writes bench/results/<date>-lifelong-tune/<name>.json; bench/README.md keeps the table and the choices.
# Do not run it beside a build, a test run or another benchmark (about 35 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/corrections --help >/dev/null   # builds the CLI once
cli() { dotnet src/Corrections.Cli/bin/Release/net10.0/corrections.dll "$@"; }
out="bench/results/$(date -u +%F)-lifelong-tune"
mkdir -p "$out"
export CORRECTIONS_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
plain=.corrections/models/fashion-mnist-plain-3ep.ctm
[[ -f "$plain" ]] || cli train --plain --epochs 3 -o "$plain"
run() { local name="$1"; shift; cli lifelong --shift blur --reports 500 --every 100 --json "$@" -o "$out/$name" >/dev/null; }
# GRACE: the initial radius.
for r in 1 2 4 8; do run "grace-$r" --methods grace --grace-radius "$r"; done
# The plain editor: its learning rate (the gate's 1 / 3 pp limits as in the service).
for lr in 0.01 0.001 0.0003; do run "plain-$lr" --methods plain-editor --plain-model "$plain" --plain-editor-lr "$lr"; done
# Naive consolidation: learning rate, with KL to the previous version at 1 (naive-*) and 0.3 (naive2-*).
for lr in 0.001 0.003; do run "naive-$lr" --methods naive-consolidation --naive-lr "$lr" --naive-anchor 1; done
for lr in 0.001 0.003; do run "naive2-$lr" --methods naive-consolidation --naive-lr "$lr" --naive-anchor 0.3; done
# Memory + consolidation: first round at KL 1 and 150 steps each time.
mc=(--methods memory-consolidation --passes 0 --consolidation-steps 150)
run mc-r0.5 "${mc[@]}" --anchor 1 --radius-scale 0.5
run mc-r1.0 "${mc[@]}" --anchor 1 --radius-scale 1.0
run mc-lr3 "${mc[@]}" --anchor 1 --consolidation-lr 0.003
run mc-a03 "${mc[@]}" --anchor 0.3 --methods memory-consolidation,none,lookup-cache,editable-chain
# Second round at KL 0.3 (after held corrections joined the memory's reference).
run mc2-base "${mc[@]}" --anchor 0.3
run mc2-a01 "${mc[@]}" --anchor 0.1
run mc2-start "${mc[@]}" --anchor 0.3 --consolidate-from-start
run mc2-b64 "${mc[@]}" --anchor 0.3 --correction-batch 64
run mc2-s300 --methods memory-consolidation --passes 0 --consolidation-steps 300 --anchor 0.3
# Third round: steps in proportion to the corrections.
run mc3-p8-150 --methods memory-consolidation --passes 8 --consolidation-steps 150 --anchor 0.3
run mc3-p8-300 --methods memory-consolidation --passes 8 --consolidation-steps 300 --anchor 0.3
