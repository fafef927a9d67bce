#!/usr/bin/env bash
# Checks that every test the README names in its guarantee table exists in the suites.
# Usage: readme-tests.sh README.md UNIT_TEST_BINARY E2E_TEST_BINARY
set -euo pipefail
readme=$1
shift
listed=$(for bin in "$@"; do
  "$bin" --gtest_list_tests | awk '/^[^ ]/ {suite=$1; sub(/\.$/, "", suite); sub(/\/.*/, "", suite)}
                                   /^  / {name=$1; sub(/\/.*/, "", name); print suite "." name}'
done | sort -u)
named=$(sed -n '/<!-- guarantee tests -->/,/<!-- \/guarantee tests -->/p' "$readme" |
  grep -oE '`[A-Za-z0-9]+\.[A-Za-z0-9]+`' | tr -d '`' | sort -u)
[ -n "$named" ] || { echo "no tests named in $readme's guarantee table" >&2; exit 1; }
missing=$(comm -23 <(echo "$named") <(echo "$listed"))
if [ -n "$missing" ]; then
  echo "the README names tests that do not exist:" >&2
  echo "$missing" >&2
  exit 1
fi
echo "$(echo "$named" | wc -l) tests named in the README exist"
