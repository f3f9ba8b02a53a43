#!/usr/bin/env bash
# Runs mnemo-bench with the PyTorch peer in the same run (their trials alternate), one thread each,
# and writes the resulting table into Benchmarks/README.md between the results markers, with the
# command that produced it. Arguments (--examples N --image-examples N --epochs N --trials N --batch N
# --data DIR --model NAME) go to mnemo-bench, which passes them on to the peer. The table has the
# four MLPs and the small CNN (3×32×32 noise, --image-examples per epoch: it is ~50× slower per
# example, so the default 3000 keeps its row to about two minutes). Creates the peer's virtual
# environment on first use (several GB).
# SCRATCH_PATH chooses the SwiftPM build folder (default .build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
scratch="${SCRATCH_PATH:-.build}"
venv="${MNEMO_PEER_VENV:-$root/Benchmarks/peers/.venv}"
[[ -x "$venv/bin/python" ]] || Benchmarks/peers/setup_venv.sh

swift build -c release --scratch-path "$scratch" --product mnemo-bench
table="$("$scratch/release/mnemo-bench" "$@" --peer-python "$venv/bin/python" \
    --peer-script Benchmarks/peers/pytorch_peer.py)"
echo "$table"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

readme=Benchmarks/README.md
{
    echo "<!-- results:begin -->"
    echo "Produced on $(date -u +%Y-%m-%d) by \`Benchmarks/run.sh $*\` on $(getconf _NPROCESSORS_ONLN) cores of"
    echo "\`$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\`:"
    echo
    echo "$table"
    echo "<!-- results:end -->"
} > "$tmp"
python3 - "$readme" "$tmp" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
begin, end = text.index("<!-- results:begin -->"), text.index("<!-- results:end -->") + len("<!-- results:end -->\n")
open(readme, "w").write(text[:begin] + table + text[end:])
PY
echo "wrote $readme"
