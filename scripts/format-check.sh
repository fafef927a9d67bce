#!/usr/bin/env bash
# Fails (exit 1) when a C++ source or header of the tree differs from what clang-format makes
# of it under the repository's .clang-format; names each file. `make format` fixes them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
format="${CLANG_FORMAT:-clang-format}"
command -v "$format" >/dev/null || { echo "format-check: $format not found (make deps)"; exit 1; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cc' '*.h' 2>/dev/null || find src include tests bench -name '*.cc' -o -name '*.h')
bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if ! "$format" --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "format-check: $f is not formatted (run: make format)"
    bad=1
  fi
done
exit $bad
