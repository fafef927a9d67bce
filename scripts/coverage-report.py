#!/usr/bin/env python3
"""Line and function coverage per source folder, from gcovr's JSON summary.

Usage: scripts/coverage-report.py build-coverage/coverage.json
Prints one row per folder under src/ (and include/), then the total.
"""
import json
import sys
from collections import defaultdict


def folder_of(path):
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def main(summary_path):
    with open(summary_path) as f:
        summary = json.load(f)
    totals = defaultdict(lambda: [0, 0, 0, 0])  # lines covered, lines, functions covered, functions
    for entry in summary["files"]:
        row = totals[folder_of(entry["filename"])]
        row[0] += entry["line_covered"]
        row[1] += entry["line_total"]
        row[2] += entry["function_covered"]
        row[3] += entry["function_total"]

    def pct(a, b):
        return f"{100.0 * a / b:5.1f}%" if b else "    -"

    print(f"{'folder':<16} {'lines':>16} {'':>6} {'functions':>12} {'':>6}")
    for folder in sorted(totals):
        lc, lt, fc, ft = totals[folder]
        print(f"{folder:<16} {lc:>7} / {lt:<6} {pct(lc, lt)} {fc:>5} / {ft:<4} {pct(fc, ft)}")
    lc, lt, fc, ft = (sum(r[i] for r in totals.values()) for i in range(4))
    print(f"{'total':<16} {lc:>7} / {lt:<6} {pct(lc, lt)} {fc:>5} / {ft:<4} {pct(fc, ft)}")


if __name__ == "__main__":
    main(sys.argv[1])
