#!/usr/bin/env bash
# Creates the PyTorch peer's virtual environment (Benchmarks/peers/.venv) and installs torch and
# numpy from PyPI. The Linux torch wheel on PyPI brings its CUDA libraries: several GB, so this runs
# only on demand (Benchmarks/run.sh calls it when the environment is missing), never from tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${MNEMO_PEER_VENV:-$here/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet torch numpy
"$venv/bin/python" -c 'import torch; print("torch", torch.__version__, "in", "'"$venv"'")'
