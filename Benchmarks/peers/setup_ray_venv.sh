#!/usr/bin/env bash
# Creates the Ray peer's virtual environment (Benchmarks/peers/.venv-ray) and installs Ray from PyPI
# (a few hundred MB), on demand only (Benchmarks/orchestrator.sh calls it when missing), never from tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${MNEMO_RAY_VENV:-$here/.venv-ray}"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "ray==2.60.0"
"$venv/bin/python" -c 'import ray; print("ray", ray.__version__, "in", "'"$venv"'")'
