"""One line from the JSON `corrections retrain --out` writes: the verdict, the held-out errors against the start and the
fair baseline, and how many corrections hold. Used by bench/retraining.sh and bench/backlog-fold.sh."""
import json
import sys

r = json.load(open(sys.argv[1]))
print(f"v{r['version']} {r['verdict']}: {r['corrections']} corrections folded ({r['applied_before']} applied online before); "
      f"held-out test[{r['held_out_from']}:] error: start {r['start_error_pct']:.2f} %, production before {r['production_error_pct']:.2f} %, "
      f"retrained {r['retrained_error_pct']:.2f} %, the same epoch without corrections {r['baseline_error_pct']:.2f} %; "
      f"retrained vs start {r['retrained_error_pct'] - r['start_error_pct']:+.2f} pp, vs that baseline {r['retrained_error_pct'] - r['baseline_error_pct']:+.2f} pp; "
      f"corrections holding: production {r['production_held_pct']:.1f} %, retrained {r['retrained_held_pct']:.1f} %")
