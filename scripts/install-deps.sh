#!/usr/bin/env bash
# Installs the Debian packages duckpart builds with. Idempotent: installs only what is missing.
set -euo pipefail
packages=(build-essential cmake git npm nodejs libgtest-dev libgmock-dev libbenchmark-dev
          libcli11-dev nlohmann-json3-dev libfmt-dev librapidcheck-dev ccache libyaml-cpp-dev
          help2man pkg-config gcovr clang-format clang-tidy
          libcpp-httplib-dev prometheus  # monitor --listen; promtool checks monitor's metrics
          libspdlog-dev  # --log-file
          node-ajv       # the JSON Schema checks of every command's --json (tests/schemas)
          chromium)  # chromium: headless rendering test of `analyze --html`
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere than Debian; what matters is that npm runs.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm}"); missing=("${missing[@]/nodejs}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The other readers the test suite reads datasets back with (tests/e2e/readers_test.cc):
# DuckDB 1.5 and Polars for node, versions pinned in tests/readers/package.json and
# package-lock.json, into tests/readers/node_modules (ignored by git). Skipped when the
# pinned versions are already there.
readers="$(cd "$(dirname "$0")/.." && pwd)/tests/readers"
if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
  if ! (cd "$readers" && node -e '
      const want = require("./package.json").dependencies;
      for (const [name, version] of Object.entries(want)) {
        if (require(name + "/package.json").version !== version) process.exit(1);
      }' >/dev/null 2>&1); then
    echo "install-deps: installing the reader checks' node packages into $readers/node_modules"
    (cd "$readers" && npm install --no-audit --no-fund --no-save --loglevel=error)
  fi
fi
