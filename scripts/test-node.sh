#!/usr/bin/env bash
# The Node package from a clean clone: installs the npm tools from the committed
# lockfile (npm ci), builds the native addon in debug (napi build), type-checks the
# typings, examples and typed test (tsc --strict), then runs the Node suite (shared
# vectors, client against the mock gateway, examples, tarball install) and prints counts.
# Needs: Node >= 18 with npm, and the Rust toolchain the workspace already uses.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "error: node and npm are required for the Node package (Node >= 18); install them first" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "error: Node >= 18 is required, found $(node --version)" >&2
  exit 1
fi

step "npm ci (lockfile: @napi-rs/cli, typescript, express, @types)"
npm ci --no-audit --no-fund --loglevel=error

step "native addon (napi build, debug)"
start=$(date +%s)
(cd bindings-node && npx --no-install napi build --platform --js native.js --dts native.d.ts)
echo "addon built in $(( $(date +%s) - start )) s"

step "types (tsc --strict --noEmit: index.d.ts, testing.d.ts, examples, typed test)"
npx --no-install tsc -p tests/node/tsconfig.json
rm -rf tests/node/.typed
npx --no-install tsc -p tests/node/tsconfig.emit.json

step "Node tests (node --test)"
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
node --test \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  tests/node/*.test.js tests/node/*.test.mjs tests/node/.typed/*.test.js

node - "$tap" <<'JS'
const fs = require('node:fs');
const tap = fs.readFileSync(process.argv[2], 'utf8');
const count = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)`, 'm')) || [0, 0])[1]);
const v = (f) => JSON.parse(fs.readFileSync(`tests/vectors/${f}`, 'utf8'));
const bad = v('bad-inputs.json');
console.log(`\nNode tests: ${count('tests')} run, ${count('pass')} passed, ${count('fail')} failed`);
console.log(
  `vector cases: ${v('requests.json').cases.length} golden requests, ${bad.requests.length} bad requests, ` +
    `${bad.privateKeys.length + bad.goodPrivateKeys.length} private keys, ${bad.publicKeys.length + bad.goodPublicKeys.length} public keys, ` +
    `${bad.config.length} configs, ${v('callbacks.json').cases.length} callbacks, 1 real sandbox callback, ${v('scenarios.json').cases.length} fault scenarios`,
);
if (count('fail') > 0 || count('tests') === 0) process.exit(1);
JS
