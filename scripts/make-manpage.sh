#!/usr/bin/env bash
# Makes the man page duckpart.1 from the binary's own help: help2man reads `duckpart --help`
# and `--version`; every command's `--help` becomes a section of its own.
# Usage: scripts/make-manpage.sh path/to/duckpart out/duckpart.1
set -euo pipefail
bin=$1
out=$2
include=$(mktemp)
trap 'rm -f "$include"' EXIT
# awk reads to the end: exiting early would SIGPIPE a help longer than one 4 KiB write
commands=$("$bin" --help | awk '/^Subcommands:/ {on = 1; next} on && !NF {on = 0} on {print $1}')
{
  echo "[COMMANDS]"
  for c in $commands; do
    [ "$c" = help ] && continue
    echo ".SS \"duckpart $c\""
    echo ".nf"
    # roff: a backslash is \e, a dash \-, and a line may not begin with a dot
    "$bin" "$c" --help | sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e 's/^\./\\\&./'
    echo ".fi"
  done
} >"$include"
help2man --no-info --name "partition DuckDB tables and files into verified, atomic datasets" \
  --include "$include" --output "$out" "$bin"
