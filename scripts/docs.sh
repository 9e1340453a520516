#!/usr/bin/env bash
# The API reference of the three languages, built into docs/ (not committed):
#   docs/rust    rustdoc of the library crates (smilepayz, smilepayz-testkit, smilepayz-batch)
#   docs/python  pdoc over the installed `smilepayz` package
#   docs/node    TypeDoc over the package's declarations (bindings-node/typedoc.json)
# Every warning is an error (broken links, missing modules, imports that fail) and the
# Rust doc examples run, so the reference cannot rot: scripts/test.sh runs this after the
# Python and Node steps, whose .venv (package installed) and node_modules it needs.
# About 30 s on 2 cores once those exist.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if [ ! -x .venv/bin/python ] || [ ! -d node_modules/typedoc ]; then
  echo "error: run ./scripts/test-python.sh and ./scripts/test-node.sh first (.venv and node_modules)" >&2
  exit 1
fi
start=$(date +%s)
rm -rf docs/rust docs/python docs/node target/doc
mkdir -p docs

# One crate per run: documented together, the testkit's features (key export, the
# gateway's side) would show in the core's reference, which users never get.
crates=(smilepayz smilepayz-testkit smilepayz-batch)
step "rustdoc -D warnings (${crates[*]})"
for crate in "${crates[@]}"; do
  RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --locked -p "$crate"
done
cp -r target/doc docs/rust

step "Rust doc examples (cargo test --doc)"
cargo test --quiet --doc --locked "${crates[@]/#/--package=}"

step "pdoc (smilepayz, every public module; warnings are errors)"
.venv/bin/python - docs/python <<'PY'
import pkgutil
import sys
import warnings
from pathlib import Path

import pdoc
import pdoc.extract

import smilepayz

# A module that fails to import is only a warning to pdoc: make it (and any other) fatal.
warnings.simplefilter("error")
public = sorted(
    m.name
    for m in pkgutil.walk_packages(smilepayz.__path__, "smilepayz.")
    if not any(part.startswith("_") for part in m.name.split("."))
)
# pdoc follows a package's __all__ into submodules; name only the modules it would not reach.
specs, covered = [], set()
for name in ["smilepayz", *public]:
    if name not in covered:
        specs.append(name)
        covered.update(pdoc.extract.walk_specs([name]))
pdoc.pdoc(*specs, output_directory=Path(sys.argv[1]))
print(f"{len(covered)} modules: {', '.join(sorted(covered))}")
PY

step "TypeDoc (bindings-node/typedoc.json; warnings are errors)"
(cd bindings-node && npx --no-install typedoc --logLevel Warn)

echo "API reference in docs/ (rust, python, node) in $(($(date +%s) - start)) s"
