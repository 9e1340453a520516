#!/usr/bin/env bash
# Python benchmarks (BENCHMARKS.md): the package built in release (maturin's default
# profile) into .venv, then benches/python/bench.py. Prints numbers; decides nothing.
# scripts/test-python.sh reinstalls the debug build afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
export PATH="$PWD/.venv/bin:$PATH" VIRTUAL_ENV="$PWD/.venv"
python -m pip install --quiet --disable-pip-version-check -r bindings-python/requirements-dev.txt
python -m pip install --quiet --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./bindings-python
python benches/python/bench.py "$@"
