#!/usr/bin/env bash
# The Python package, from nothing: a virtual environment in .venv with the pinned tools,
# the package built by `pip install ./bindings-python` (a debug build of the native module),
# then ruff, mypy --strict, stubtest against the real module, and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; assert sys.version_info >= (3, 9)' 2>/dev/null; then
  echo "Python 3.9 or later is needed (set PYTHON=...)" >&2
  exit 1
fi

step "Python environment (.venv, bindings-python/requirements-dev.txt)"
[ -x .venv/bin/python ] || "$python" -m venv .venv
export PATH="$PWD/.venv/bin:$PATH" VIRTUAL_ENV="$PWD/.venv"
python -m pip install --quiet --disable-pip-version-check -r bindings-python/requirements-dev.txt

step "pip install ./bindings-python (native module in the dev profile)"
start=$(date +%s)
MATURIN_PEP517_ARGS="--profile dev" python -m pip install --quiet --disable-pip-version-check \
  --no-build-isolation --force-reinstall --no-deps ./bindings-python
echo "built and installed in $(( $(date +%s) - start )) s: $(python -c 'import smilepayz._native as n; print(n.__file__)')"

python_dirs=(bindings-python/python tests/python examples/python benches/python)
ruff_config=bindings-python/pyproject.toml

step "ruff (lint and format)"
ruff check --config "$ruff_config" "${python_dirs[@]}"
ruff format --check --config "$ruff_config" "${python_dirs[@]}"

step "mypy --strict (package, tests, examples)"
mypy --config-file bindings-python/pyproject.toml "${python_dirs[@]}"

step "stubtest (smilepayz._native against its .pyi)"
(cd /tmp && python -m mypy.stubtest smilepayz._native)

step "pytest (shared vectors, end to end, examples)"
python -m pytest -q -p no:cacheprovider tests/python
