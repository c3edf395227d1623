#!/usr/bin/env bash
# Event -> promoted latency and corrections per minute of the whole pipeline on this machine: the worker on the local
# RabbitMQ and PostgreSQL, a fresh chain of the demo's editable model per run (so runs do not inherit each other's
# corrections), every candidate validated on Fashion-MNIST test[5000:]. Two loads:
#   steady: N reports at RATE per second (default 300 at 2/s, i.e. 120/min offered)
#   burst:  N reports published at once: the pipeline's capacity
# Writes bench/results/<date>-pipeline-{steady,burst}.{json,png}. Do not run it beside a build or a test run.
#   bench/pipeline.sh [N] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-300}"
rate="${2:-2}"
stem="bench/results/$(date -u +%F)-pipeline"

source bench/pipeline-setup.sh

run="$(date -u +%H%M%S)"
scripts/corrections register -m "bench-steady-$run" -f "$base" --reason "pipeline benchmark, steady load" >&2
# Registered after the worker started: its first candidate pays for loading the model and the validation set (counted).
scripts/corrections replay -m "bench-steady-$run" -n "$count" --rate "$rate" --out "$stem-steady"
scripts/corrections register -m "bench-burst-$run" -f "$base" --reason "pipeline benchmark, burst" >&2
scripts/corrections replay -m "bench-burst-$run" -n "$count" --rate 0 --out "$stem-burst"
git rev-parse --short HEAD >"$stem.commit" 2>/dev/null || true
