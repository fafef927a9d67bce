#!/usr/bin/env bash
# The one command of the benchmark (issue 7): builds duckpart and the harness, makes the
# data if it is missing, runs every case and writes bench/results/<date>-<size>/.
#
#   bench/run.sh                      # quick size: 2M rows, 3 runs, a few minutes on 2 cores
#   bench/run.sh --size anchors       # the 20M-row table of ANCHORS.md
#   bench/run.sh --size large         # 100M rows
#   bench/run.sh --runs 5 --cases reference,native_sorted,duckpart --granularities day,hour
#   bench/run.sh --sweep              # adds the scaling sweep (rows 1M..100M, 10..100,000 partitions)
#   bench/run.sh --help               # every flag
#
# BUILD_DIR (default: build) and JOBS (default: nproc) choose the build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
jobs="${JOBS:-$(nproc)}"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
else
  cmake "$build" >/dev/null
fi
cmake --build "$build" --target duckpart duckpart_bench -j "$jobs" >/dev/null

exec "$build/bench/duckpart_bench" --duckpart "$build/duckpart" "$@"
