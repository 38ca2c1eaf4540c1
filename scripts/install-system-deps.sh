#!/usr/bin/env bash
# Install the Debian and npm packages the test suite and benchmarks need.
# Idempotent; safe to run on a fresh Debian 12 machine as root (CI does).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  raptor2-utils      # rapper: independent Turtle/RDF-XML/N-Triples parser
  chromium           # real browser for the page and query-editor tests
  chromium-driver
  wrk                # load generator for bench/serve.py
  rasqal-utils       # roqet: independent SELECT client
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Comunica, the Node.js SPARQL client of tests/test_sparql_clients.py (pinned in
# tests/node/package.json: 4.5.0, because 5.x needs Node >= 22), and axe-core, the
# accessibility checker tests/test_sparql_editor_a11y.py runs in Chromium.
if command -v npm >/dev/null 2>&1; then
  (cd tests/node && npm install --no-audit --no-fund --no-package-lock --silent)
else
  echo "npm not found: install Node.js 20 to run the Comunica tests" >&2
fi
