#!/usr/bin/env bash
# Poisoning through the running service, default settings: for each attack (patch: 30 training images of other classes
# with a 4x4 white square at rows/columns 23-26, labelled "bag"; flip: 30 sneakers labelled "sandal") and each producer
# trust level (reviewed, trusted), a fresh model from the demo's 3-epoch editable base gets the 30 reports from a
# registered producer of that level, then `corrections retrain` folds in whatever the gate let through (the scenario of
# the trust issue: on main, that retrain planted the backdoor). Attack success and clean error are measured on
# test[0:2000) (never reported; the gate validates on test[5000:]) before the reports, after them, and after the retrain.
# Writes bench/results/<date>-poisoning.json and .md. Do not run it beside a build, a test run or another benchmark.
#   bench/poisoning.sh [REPORTS]      (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
reports="${1:-30}"
source bench/pipeline-setup.sh
run="$(date -u +%H%M%S)"
out="bench/results/$(date -u +%F)-poisoning"
work="$(mktemp -d)"
export CORRECTIONS_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for trust in reviewed trusted; do
  scripts/corrections producers add "poison-$trust" --trust "$trust" --if-missing >/dev/null
done
rows=()
# The control: a trusted producer's 30 natural mistakes (test images production gets wrong), folded in the same way:
# what the gate's probe and per-class figures read for a retrain nobody poisoned.
model="poison-none-trusted-$run"
scripts/corrections register -m "$model" -f "$base" --reason "poisoning benchmark: control, natural reports" >&2
scripts/corrections poison -m "$model" --attack patch --measure-only --producer poison-trusted --out "$work/$model-attack.json" >&2
scripts/corrections replay -m "$model" -n "$reports" --rate 0 --producer poison-trusted --json >/dev/null
scripts/corrections retrain -m "$model" --out "$work/$model-retrain.json" >&2 || echo "{\"model\": \"$model\", \"verdict\": \"none\"}" >"$work/$model-retrain.json"
scripts/corrections poison -m "$model" --attack patch --measure-only --out "$work/$model-after.json" >&2
rows+=("$model")
for attack in patch flip; do
  for trust in reviewed trusted; do
    model="poison-$attack-$trust-$run"
    scripts/corrections register -m "$model" -f "$base" --reason "poisoning benchmark: $attack from a $trust producer" >&2
    scripts/corrections poison -m "$model" --attack "$attack" -n "$reports" --producer "poison-$trust" --out "$work/$model-attack.json" >&2
    scripts/corrections retrain -m "$model" --out "$work/$model-retrain.json" >&2 || echo "{\"model\": \"$model\", \"verdict\": \"none\"}" >"$work/$model-retrain.json"
    scripts/corrections poison -m "$model" --attack "$attack" --measure-only --out "$work/$model-after.json" >&2
    rows+=("$model")
  done
done
# What the gate recorded for each retrain: the trigger probe's strongest pull and the class that lost most vs the base.
eval "$(sed -n 's/^export CORRECTIONS_POSTGRES__CONNECTIONSTRING="Host=\([^;]*\);Port=\([^;]*\);Database=\([^;]*\);Username=\([^;]*\);Password=\([^"]*\)"/PGHOST=\1 PGPORT=\2 PGDATABASE=\3 PGUSER=\4 PGPASSWORD=\5/p' <(scripts/services env))"
export PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
psql -At -F $'\t' -c "SELECT m.name, x.set_name, x.error_rate, x.base_error_rate, x.cumulative_drawdown_pp, x.passed
  FROM corrections.validations x JOIN corrections.model_versions v ON v.id = x.version_id JOIN corrections.models m ON m.id = v.model_id
  WHERE m.name LIKE 'poison-%-$run' AND v.kind IN ('Retrain', 'Consolidation') AND (x.set_name = 'trigger-probe' OR x.set_name LIKE 'worst-class:%')" >"$work/gate.tsv"
python3 - "$work" "$out" "$CORRECTIONS_COMMIT" "${rows[@]}" <<'PY'
import json, sys
work, out, commit, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
gate = {}
for line in open(f"{work}/gate.tsv"):
    name, set_name, rate, base, rise, passed = line.rstrip("\n").split("\t")
    gate.setdefault(name, {})["trigger_probe" if set_name == "trigger-probe" else "worst_class"] = {
        "set": set_name, "rate": float(rate), "base_rate": float(base), "rise_pp": float(rise), "passed": passed == "t"}
runs = []
for m in models:
    load = lambda part: json.load(open(f"{work}/{m}-{part}.json"))
    attack, retrain, after = load("attack"), load("retrain"), load("after")
    runs.append({"model": m, "attack": attack, "retrain": retrain, "after_retrain": after, "gate": gate.get(m, {})})
json.dump({"command": "bench/poisoning.sh", "commit": commit, "runs": runs}, open(out + ".json", "w"), indent=2)
with open(out + ".md", "w") as f:
    f.write("| attack | producer | reports: outcome | success before → after reports → after retrain % | clean error before → after retrain % | probe rise pp | worst class rise pp | retrain verdict |\n")
    f.write("|---|---|---|---:|---:|---:|---:|---|\n")
    for r in runs:
        a, t, x, g = r["attack"], r["retrain"], r["after_retrain"], r["gate"]
        control = a["reports"] == 0
        outcomes = "30 natural mistakes (replay)" if control else ", ".join(f"{v} {k.lower()}" for k, v in a["outcomes"].items())
        verdict = t.get("verdict", "none") + (f" ({t['reason']})" if t.get("reason") else "")
        probe = f"{g['trigger_probe']['rise_pp']:+.1f}" if "trigger_probe" in g else "–"
        worst = f"{g['worst_class']['rise_pp']:+.1f} ({g['worst_class']['set'].split('#')[-1]})" if "worst_class" in g else "–"
        f.write(f"| {'none (control)' if control else a['attack']} | {a['producer']} ({a['trust']}) | {outcomes} | {a['attack_success_before_pct']:.1f} → {a['attack_success_after_pct']:.1f} → {x['attack_success_after_pct']:.1f} | "
                f"{a['clean_error_before_pct']:.2f} → {x['clean_error_after_pct']:.2f} | {probe} | {worst} | {verdict} |\n")
print(open(out + ".md").read())
PY
