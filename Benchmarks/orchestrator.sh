#!/usr/bin/env bash
# Orchestration benchmarks (issue 10), each against a reference measured in the same run:
#   1. the whole-process race: `mnemo run` of 3,000 tiny training tasks (10-example synthetic data,
#      softmax regression, one epoch, --workers 8 --no-progress), timed from process start to exit,
#      start-up, registration and headline included, against Ray's warmed-up no-op tasks/s;
#      and the coordinator's durable rate in that run (committed result rows over the span of their
#      commit times);
#   1b. the durable no-op rate: `mnemo run` of 20,000 `trainer: {kind: noop}` tasks with 8 worker
#      processes (the whole path: lease, result with payload, one committed row each, ack after
#      commit), committed rows over the span of their commit times, counted from the database;
#   2. coordinator memory: RSS of `mnemo coordinator --db` serving a registered sweep of N pending tasks
#      (no worker), less its RSS serving 100, per task; then serving one open task beside N finished
#      ones (flat in finished tasks: done tasks are only counted).
#   3. 1,000 simulated workers (peers/simulated_workers.py: 4 processes × 250 DEALER sockets speaking
#      the protocol, each holding one task for a simulated second and heartbeating every second)
#      against a real coordinator: its CPU use and the lease latency p50/p99.
# Usage: Benchmarks/orchestrator.sh [--trials 5] [--memory-sizes "10000 100000"] [--parts "race noop memory simulated"]
set -euo pipefail
cd "$(dirname "$0")/.."
trials=5
sizes="10000 100000"
parts="race noop memory simulated"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --trials) trials="$2"; shift 2 ;;
        --memory-sizes) sizes="$2"; shift 2 ;;
        --parts) parts="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
swift build -c release --product mnemo 2>&1 | grep -E "error|Compiling|Build" || true
mnemo="$PWD/.build/release/mnemo"
venv="${MNEMO_RAY_VENV:-$PWD/Benchmarks/peers/.venv-ray}"
[[ -x "$venv/bin/python" ]] || MNEMO_RAY_VENV="$venv" Benchmarks/peers/setup_ray_venv.sh
"$venv/bin/python" -c 'import zmq' 2>/dev/null || "$venv/bin/python" -m pip install --quiet pyzmq
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

sweep() {  # name subsets
    cat <<YAML
name: $1
seed: 1
dataset:
  name: synthetic
  synthetic: {class_count: 2, dimension: 4, common_modes_per_class: 1, common_mode_size: 5, rare_modes_per_class: 0, common_test_size: 5}
model: {kind: softmax}
training: {batch_size: 10, learning_rate: 0.1, max_epochs: 1}
estimator: {subsets: $2, ratio: 0.5}
YAML
}

if [[ " $parts " == *" race "* ]]; then
echo "## Whole-process race: mnemo run of 3000 tiny tasks, --workers 8, vs Ray no-op tasks ($(nproc) cores)"
sweep race 3000 > "$work/race.yaml"
rates=()
for trial in $(seq "$trials"); do
    rm -f "$work"/race.sqlite*
    start=$(date +%s.%N)
    "$mnemo" run "$work/race.yaml" --workers 8 --no-progress >/dev/null 2>&1
    end=$(date +%s.%N)
    rate=$(python3 -c "print(round(3000 / ($end - $start)))")
    rates+=("$rate")
    echo "mnemo trial $trial: $(python3 -c "print(round($end - $start, 3))") s, $rate tasks/s"
done
# The coordinator's durable rate in the last race: committed result rows over the span of their
# commits (first to last receivedAt, as stored), read back from the database.
durable=$(python3 - "$work/race.sqlite" <<'PY'
import sqlite3, sys
from datetime import datetime
rows = sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*), MIN(receivedAt), MAX(receivedAt) FROM result").fetchone()
parse = lambda text: datetime.fromisoformat(text)
span = (parse(rows[2]) - parse(rows[1])).total_seconds()
print(f"{rows[0]} rows in {span:.3f} s: {rows[0] / span:.0f} committed results/s")
PY
)
echo "durable commits during the last race: $durable"
mnemo_median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
ray_json=$("$venv/bin/python" Benchmarks/peers/ray_noop_peer.py --tasks 3000 --trials "$trials")
# Ray's idle workers outlive shutdown for a while: stop them before anything else is measured.
"$venv/bin/ray" stop --force >/dev/null 2>&1 || true
ray_median=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['median']))" "$ray_json")
echo "ray: $ray_json"
echo "median: mnemo $mnemo_median tasks/s (whole process), ray $ray_median tasks/s (warmed up, no-op): ratio $(python3 -c "print(round($mnemo_median / $ray_median, 2))")"

fi

if [[ " $parts " == *" noop "* ]]; then
echo
echo "## Durable no-op tasks: 20,000 tasks of a noop trainer, --workers 8"
{ sweep noop 20000; echo "trainer: {kind: noop}"; } > "$work/noop.yaml"
for trial in $(seq "$trials"); do
    rm -f "$work"/noop.sqlite*
    "$mnemo" run "$work/noop.yaml" --workers 8 --no-progress >/dev/null 2>&1
    python3 - "$work/noop.sqlite" <<'PY'
import sqlite3, sys
from datetime import datetime
count, first, last = sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*), MIN(receivedAt), MAX(receivedAt) FROM result").fetchone()
span = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
print(f"{count} committed rows in {span:.3f} s: {count / span:.0f} tasks/s")
PY
done
fi

if [[ " $parts " == *" memory "* ]]; then
echo
echo "## Coordinator memory: per open task, and with finished tasks"
serve_rss() {  # database -> KiB of a coordinator serving the database's unfinished sweeps (no worker)
    "$mnemo" coordinator --db "$1" --bind "ipc://$1.sock" --no-progress >/dev/null 2>"$1.log" &
    local pid=$!
    until grep -q "tasks already done" "$1.log" 2>/dev/null; do sleep 0.2; done
    sleep 1
    awk '/VmRSS/ {print $2}' "/proc/$pid/status"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}
register() {  # name subsets: registers a sweep of that many pending tasks, serves nothing
    sweep "$1" "$2" > "$work/$1.yaml"
    "$mnemo" submit "$work/$1.yaml" --db "$work/$1.sqlite" >/dev/null 2>&1
}
register open100 100
base=$(serve_rss "$work/open100.sqlite")
echo "100 open tasks: $base KiB"
for size in $sizes; do
    register "open$size" "$size"
    rss=$(serve_rss "$work/open$size.sqlite")
    echo "$size open tasks: $rss KiB, $(python3 -c "print(round(($rss - $base) * 1024 / ($size - 100)))") bytes per open task"
done
# Finished tasks: run a sweep of size - 1 subsets to the end, grow it by one, serve the one open task.
for size in 100 $sizes; do
    sweep "done$size" "$((size - 1))" > "$work/done$size.yaml"
    "$mnemo" run "$work/done$size.yaml" --workers 8 --no-progress >/dev/null 2>&1
    sweep "done$size" "$size" > "$work/done$size.yaml"
    "$mnemo" submit "$work/done$size.yaml" >/dev/null
    echo "$((size - 1)) finished tasks + 1 open: $(serve_rss "$work/done$size.sqlite") KiB"
done
fi

if [[ " $parts " == *" simulated "* ]]; then
echo
echo "## 1,000 simulated workers: 4 processes x 250 sockets, one 1-second task at a time each, 20 s"
sweep sim 50000 > "$work/sim.yaml"
"$mnemo" coordinator "$work/sim.yaml" --db "$work/sim.sqlite" --bind tcp://127.0.0.1:47311 --no-progress \
    >/dev/null 2>"$work/sim.log" &
coordinator=$!
until grep -q "tasks already done" "$work/sim.log" 2>/dev/null; do sleep 0.2; done
cpu0=$(awk '{print $14 + $15}' "/proc/$coordinator/stat"); t0=$(date +%s.%N)
peers=()
for index in 0 1 2 3; do
    "$venv/bin/python" Benchmarks/peers/simulated_workers.py --connect tcp://127.0.0.1:47311 --sockets 250 \
        --prefix "p$index" --seconds 20 --train 10 --test 10 > "$work/sim$index.json" &
    peers+=($!)
done
wait "${peers[@]}"
cpu1=$(awk '{print $14 + $15}' "/proc/$coordinator/stat"); t1=$(date +%s.%N)
kill "$coordinator"; wait "$coordinator" 2>/dev/null || true
cat "$work"/sim?.json
echo "coordinator CPU: $(python3 -c "print(round(($cpu1 - $cpu0) / $(getconf CLK_TCK) / ($t1 - $t0), 3))") cores"
fi
