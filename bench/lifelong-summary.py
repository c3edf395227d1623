#!/usr/bin/env python3
"""Markdown tables from `corrections lifelong` result files: one row per method and shift, and the targets' checks.
   bench/lifelong-summary.py bench/results/2026-12-01-lifelong-*.json"""
import json
import sys


def cell(value, fmt):
    return "–" if isinstance(value, str) or value != value else format(value, fmt)


def worst_clean(document, summary):
    """The highest clean error at any checkpoint against the start's (older files do not carry it)."""
    if "worst_clean_pp" in summary:
        return summary["worst_clean_pp"]
    result = next(r for r in document["results"] if r["method"] == summary["method"])
    clean = [c["clean_error_pct"] for c in result["checkpoints"]]
    return max(clean) - clean[0]


print("| shift | method | shifted error start → end % | gap closed | worst rise pp | clean Δ pp | worst clean Δ pp | retention % | effective at once % | views % | compute s | p50 / p99 ms |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for path in sys.argv[1:]:
    with open(path) as f:
        document = json.load(f)
    for s in document["summaries"]:
        print(f"| {document['shift']} | {s['method']} | {s['shifted_start_pct']:.1f} → {s['shifted_end_pct']:.1f} | {cell(s['gap_closed_pct'], '.0f')} % | "
              f"{s['worst_rise_pp']:.2f} | {s['clean_delta_pp']:+.2f} | {worst_clean(document, s):+.2f} | {s['retention_pct']:.1f} | {s['effective_pct']:.1f} | {cell(s['views_pct'], '.1f')} | "
              f"{s['correct_seconds']:.0f} | {s['correct_p50_ms']:.1f} / {s['correct_p99_ms']:.0f} |")
