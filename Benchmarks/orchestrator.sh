#!/usr/bin/env bash
# Orchestration benchmarks (issue 10), each against a reference measured in the same run:
#   1. the whole-process race: `mnemo run` of 3,000 tiny training tasks (10-example synthetic data,
#      softmax regression, one epoch, --workers 8 --no-progress), timed from process start to exit,
#      start-up, registration and headline included, against Ray's warmed-up no-op tasks/s;
#   2. coordinator memory: RSS of `mnemo coordinator --db` serving a registered sweep of N pending tasks
#      (no worker), less its RSS serving 100, per task; then serving one open task beside N finished
#      ones (flat in finished tasks: done tasks are only counted).
# Usage: Benchmarks/orchestrator.sh [--trials 5] [--memory-sizes "10000 100000"]
set -euo pipefail
cd "$(dirname "$0")/.."
trials=5
sizes="10000 100000"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --trials) trials="$2"; shift 2 ;;
        --memory-sizes) sizes="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
swift build -c release --product mnemo 2>&1 | grep -E "error|Compiling|Build" || true
mnemo="$PWD/.build/release/mnemo"
venv="${MNEMO_RAY_VENV:-$PWD/Benchmarks/peers/.venv-ray}"
[[ -x "$venv/bin/python" ]] || MNEMO_RAY_VENV="$venv" Benchmarks/peers/setup_ray_venv.sh
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
mnemo_median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
ray_json=$("$venv/bin/python" Benchmarks/peers/ray_noop_peer.py --tasks 3000 --trials "$trials")
# Ray's idle workers outlive shutdown for a while: stop them before anything else is measured.
"$venv/bin/ray" stop --force >/dev/null 2>&1 || true
ray_median=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['median']))" "$ray_json")
echo "ray: $ray_json"
echo "median: mnemo $mnemo_median tasks/s (whole process), ray $ray_median tasks/s (warmed up, no-op): ratio $(python3 -c "print(round($mnemo_median / $ray_median, 2))")"

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
