#!/usr/bin/env bash
# Every check of the project, in the order a failure is cheapest to find. This is the
# test command README.md shows and CI runs; nothing else decides whether main is green.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    step "installing the $component component"
    rustup component add "$component"
  fi
done

step "format (cargo fmt --check)"
cargo fmt --all -- --check

step "lints (cargo clippy -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "supply chain (cargo deny: bans, licenses, sources; advisories against the offline RustSec snapshot)"
./scripts/deny.sh

step "Rust tests (unit, golden vectors, properties, end to end)"
cargo test --workspace --locked

step "Python package (venv, pip install ./bindings-python, ruff, mypy, stubtest, pytest)"
./scripts/test-python.sh

step "Node package (npm ci, napi build, tsc --strict, node --test, tarball install)"
./scripts/test-node.sh

step "API reference (rustdoc, doc examples, pdoc, TypeDoc into docs/; warnings are errors)"
./scripts/docs.sh

step "release artifacts (manylinux_2_17 wheels, sdist, npm packages; gates: glibc floor, contents, versions)"
./scripts/dist.sh

step "installs from the artifacts with no Rust toolchain (every CPython, Node 18/22/24, glibc 2.31, aarch64 under qemu)"
./scripts/test-install.sh

step "fault-injection soak (1 000 pay-outs, seeded)"
cargo test --quiet --locked -p smilepayz-tests --test soak -- --ignored --nocapture

step "fuzz smoke (each target 5 s; fuzz/run.sh 600 for a longer run)"
fuzz/run.sh 5

step "quick start runs"
cargo run --quiet --locked -p smilepayz-examples --bin quickstart
