#!/usr/bin/env bash
# Orchestration benchmarks (issue 10), each against a reference measured in the same run:
#   1. the whole-process race: `mnemo run` of 3,000 tiny training tasks (10-example synthetic data,
#      softmax regression, one epoch, --workers 8 --no-progress), timed from process start to exit,
#      start-up, registration and headline included, against Ray's warmed-up no-op tasks/s;
#   2. coordinator memory per open task: RSS of `mnemo coordinator` serving a sweep of N pending tasks
#      (no worker), less its RSS serving 100 tasks, divided by the difference.
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
swift build -c release --product mnemo >/dev/null
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
ray_median=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['median']))" "$ray_json")
echo "ray: $ray_json"
echo "median: mnemo $mnemo_median tasks/s (whole process), ray $ray_median tasks/s (warmed up, no-op): ratio $(python3 -c "print(round($mnemo_median / $ray_median, 2))")"

echo
echo "## Coordinator memory per open task"
rss_serving() {  # subsets -> KiB
    local name="mem$1"
    sweep "$name" "$1" > "$work/$name.yaml"
    "$mnemo" coordinator "$work/$name.yaml" --db "$work/$name.sqlite" --bind "ipc://$work/$name.sock" --no-progress \
        >/dev/null 2>"$work/$name.log" &
    local pid=$!
    until grep -q "tasks already done" "$work/$name.log" 2>/dev/null; do sleep 0.2; done
    sleep 1
    awk '/VmRSS/ {print $2}' "/proc/$pid/status"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}
base=$(rss_serving 100)
echo "100 tasks: $base KiB"
for size in $sizes; do
    rss=$(rss_serving "$size")
    echo "$size tasks: $rss KiB, $(python3 -c "print(round(($rss - $base) * 1024 / ($size - 100)))") bytes per open task"
done
