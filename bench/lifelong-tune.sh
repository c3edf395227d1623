#!/usr/bin/env bash
# Tunes the lifelong methods' hyperparameters on the blur shift alone (500 reports), never on the four reported
# shifts: GRACE's initial radius, the plain editor's learning rate, the naive consolidation's learning rate, and the
# memory's radius scale, the consolidation's learning rate and its anchor. Each run writes
# bench/results/<date>-lifelong-tune/<name>.json with its summary; bench/README.md keeps the table and the choice.
# Do not run it beside a build, a test run or another benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/corrections --help >/dev/null   # builds the CLI once
cli() { dotnet src/Corrections.Cli/bin/Release/net10.0/corrections.dll "$@"; }
out="bench/results/$(date -u +%F)-lifelong-tune"
mkdir -p "$out"
export CORRECTIONS_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
plain=.corrections/models/fashion-mnist-plain-3ep.ctm
[[ -f "$plain" ]] || cli train --plain --epochs 3 -o "$plain"
common=(--shift blur --reports 500 --every 100 --json)
run() { local name="$1"; shift; cli lifelong "${common[@]}" "$@" -o "$out/$name" >"$out/$name.summary.json"; }
for r in 1 2 4 8 16 32; do run "grace-$r" --methods grace --grace-radius "$r"; done
for lr in 0.01 0.001 0.0003; do run "plain-$lr" --methods plain-editor --plain-model "$plain" --plain-editor-lr "$lr"; done
for lr in 0.001 0.003; do run "naive-$lr" --methods naive-consolidation --naive-lr "$lr"; done
for rs in 0.5 1.0; do run "memory-radius-$rs" --methods memory-consolidation --radius-scale "$rs"; done
run memory-lr-0.003 --methods memory-consolidation --consolidation-lr 0.003
run memory-anchor-0.3 --methods memory-consolidation,none,lookup-cache,editable-chain --anchor 0.3
