#!/usr/bin/env bash
# Many models at once: corrections per minute of the whole pipeline when reports for several models arrive together,
# against one model on one worker. Three runs, each on fresh chains of the demo's editable model, every report
# published at once (the pipeline's capacity), every candidate validated on Fashion-MNIST test[5000:]:
#   one:       1 model,  1 worker
#   four-one:  4 models, 1 worker   (one compute thread per worker: do the models queue behind each other?)
#   four-two:  4 models, 2 workers  (one writer per chain, different chains on different workers)
# The second worker is a second process on this machine, sharing the store directory. Writes
# bench/results/<date>-models.json (and each replay's .json/.png under <date>-models/). Do not run it beside a build or
# a test run: on 2 cores the two workers already compete for the same cores.
#   bench/models.sh [REPORTS_PER_MODEL]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-150}"
day="$(date -u +%F)"
dir="bench/results/$day-models"
mkdir -p "$dir"

source bench/pipeline-setup.sh
cleanup_models() { CORRECTIONS_WORKER_INSTANCE=b scripts/worker stop || true; cleanup; }
trap cleanup_models EXIT

psql_url="postgresql://127.0.0.1:${CORRECTIONS_POSTGRES_PORT:-5442}/corrections?user=operator&password=operator"
run="$(date -u +%H%M%S)"

# Registers N fresh chains, replays COUNT reports into each at once (in parallel), and prints the aggregate figures
# from the registry: reports applied, first report received to last applied, and which workers built the candidates.
measure() {
  local label="$1" models="$2" names=()
  for i in $(seq 1 "$models"); do
    names+=("bench-$label-$i-$run")
    scripts/corrections register -m "${names[-1]}" -f "$base" --reason "many-models benchmark, $label" >&2
  done
  local pids=()
  # The built CLI itself: scripts/corrections builds first, and four builds at once would trip over each other.
  for name in "${names[@]}"; do
    dotnet src/Corrections.Cli/bin/Release/net10.0/corrections.dll replay -m "$name" -n "$count" --rate 0 --timeout 600 --out "$dir/$name" --json >/dev/null &
    pids+=("$!")
  done
  # A worker that dies (a native crash kills it without a word in its log) would leave the replays waiting for their
  # timeout: stop at once, and say so.
  while pgrep -f "corrections.dll replay -m bench-$label-" >/dev/null; do
    for pidfile in .corrections/worker.pid .corrections/worker-b.pid; do
      if [[ -f "$pidfile" ]] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "A worker ($pidfile) died during the $label run; the kernel's last words:" >&2
        dmesg 2>/dev/null | tail -3 >&2 || true
        kill "${pids[@]}" 2>/dev/null || true
        exit 1
      fi
    done
    sleep 2
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  local list
  list="$(printf "'%s'," "${names[@]}")"
  list="${list%,}"
  psql "$psql_url" -qtAX -c "
    SELECT json_build_object(
      'run', '$label', 'models', $models, 'reports', count(*),
      'applied', count(*) FILTER (WHERE status = 'Applied'),
      'backlogged', count(*) FILTER (WHERE status = 'Backlogged'),
      'seconds', extract(epoch FROM max(applied_at) - min(received_at)),
      'corrections_per_minute', count(*) FILTER (WHERE status = 'Applied') / (extract(epoch FROM max(applied_at) - min(received_at)) / 60),
      'candidates_by_worker', (SELECT json_object_agg(created_by, n) FROM (
          SELECT v.created_by, count(*) AS n FROM corrections.model_versions v JOIN corrections.models m ON m.id = v.model_id
          WHERE m.name IN ($list) AND v.kind = 'Edit' GROUP BY v.created_by) w))
    FROM corrections.reports WHERE model_name IN ($list)"
}

{
  echo "["
  measure one 1; echo ","
  measure four-one 4; echo ","
  CORRECTIONS_WORKER_INSTANCE=b scripts/worker start
  measure four-two 4
  echo "]"
} >"$dir.json.tmp"
python3 - "$dir.json.tmp" "$dir.json" "$(git rev-parse --short HEAD)" "$count" <<'EOF'
import json, sys
runs = json.load(open(sys.argv[1]))
out = {"commit": sys.argv[3], "command": f"bench/models.sh {sys.argv[4]}", "reports_per_model": int(sys.argv[4]), "runs": runs}
json.dump(out, open(sys.argv[2], "w"), indent=2)
print(f"{'run':<10} {'models':>6} {'applied':>8} {'backlog':>8} {'seconds':>8} {'corr/min':>9}  candidates by worker")
for r in runs:
    print(f"{r['run']:<10} {r['models']:>6} {r['applied']:>8} {r['backlogged']:>8} {r['seconds']:>8.1f} {r['corrections_per_minute']:>9.1f}  {r['candidates_by_worker']}")
EOF
rm -f "$dir.json.tmp"
