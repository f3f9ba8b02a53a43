#!/usr/bin/env bash
# Runs the PyTorch peer and mnemo-bench one after the other in the same run, with one thread each,
# and writes the resulting table into Benchmarks/README.md between the results markers, with the
# command that produced it. Arguments (--examples N --epochs N --trials N --batch N --data DIR
# --model NAME) go to both. Creates the peer's virtual environment on first use (several GB).
# SCRATCH_PATH chooses the SwiftPM build folder (default .build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
scratch="${SCRATCH_PATH:-.build}"
venv="${MNEMO_PEER_VENV:-$root/Benchmarks/peers/.venv}"
[[ -x "$venv/bin/python" ]] || Benchmarks/peers/setup_venv.sh

swift build -c release --scratch-path "$scratch" --product mnemo-bench
peer_json="$(mktemp)"
trap 'rm -f "$peer_json"' EXIT
"$venv/bin/python" Benchmarks/peers/pytorch_peer.py "$@" --json "$peer_json"
table="$("$scratch/release/mnemo-bench" "$@" --peer "$peer_json")"
echo "$table"

readme=Benchmarks/README.md
{
    echo "<!-- results:begin -->"
    echo "Produced on $(date -u +%Y-%m-%d) by \`Benchmarks/run.sh $*\` on $(nproc) cores of"
    echo "\`$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\`:"
    echo
    echo "$table"
    echo "<!-- results:end -->"
} > "$peer_json.table"
python3 - "$readme" "$peer_json.table" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
begin, end = text.index("<!-- results:begin -->"), text.index("<!-- results:end -->") + len("<!-- results:end -->\n")
open(readme, "w").write(text[:begin] + table + text[end:])
PY
rm -f "$peer_json.table"
echo "wrote $readme"
