#!/usr/bin/env bash
# Node benchmarks: builds the native addon in release (napi build --release), then runs
# benches/node/bench.mjs, which prints one table of medians and ratios (SDK vs node:crypto
# and fetch, against the loopback mock gateway). Arguments go to bench.mjs (--quick for
# a smoke run). Needs what scripts/test-node.sh needs; run that once first (npm ci).
# The test command builds the addon in debug: run this again after it to get release numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/napi ]; then
  echo "==> npm ci (the napi CLI)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> native addon (napi build, release)"
(cd bindings-node && npx --no-install napi build --platform --release --js native.js --dts native.d.ts)

echo "==> benches/node/bench.mjs $*"
node benches/node/bench.mjs "$@"
