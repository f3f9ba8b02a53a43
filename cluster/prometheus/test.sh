#!/bin/bash
# A real Prometheus server scrapes a coordinator during a sweep; a query for the done-task gauge must
# return the sweep's size. Run from the repository root (installs the Debian package `prometheus` when
# missing, which needs root); takes about a minute; exits 0 only on success. Not part of .ci/run.
#
#   cluster/prometheus/test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v prometheus >/dev/null; then
    apt-get install -y prometheus >/dev/null
fi
[[ -x .build/release/mnemo ]] || swift build -c release --product mnemo
mnemo="$PWD/.build/release/mnemo"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
worker_port=$(free_port); metrics_port=$(free_port); prometheus_port=$(free_port)
subsets=300
cat > "$work/scraped.yaml" <<YAML
name: scraped
seed: 1
dataset:
  name: synthetic
  synthetic: {class_count: 2, dimension: 4, common_modes_per_class: 1, common_mode_size: 5, rare_modes_per_class: 0, common_test_size: 5}
model: {kind: softmax}
training: {batch_size: 10, learning_rate: 0.1, max_epochs: 1}
estimator: {subsets: $subsets, ratio: 0.5}
YAML
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: mnemo
    static_configs: [{targets: ["127.0.0.1:$metrics_port"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
# --serve keeps the coordinator (and its metrics) up after the sweep, for the last scrape.
"$mnemo" coordinator "$work/scraped.yaml" --bind "tcp://127.0.0.1:$worker_port" --db "$work/scraped.sqlite" \
    --metrics "127.0.0.1:$metrics_port" --serve --no-progress 2>"$work/coordinator.log" &
pids+=($!)
sleep 1
for i in 1 2; do
    "$mnemo" worker --connect "tcp://127.0.0.1:$worker_port" --id "scraped-$i" --idle-exit 120 2>"$work/worker-$i.log" &
    pids+=($!)
done
query() {  # PromQL -> the first sample's value, or nothing
    curl -s --get "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
deadline=$((SECONDS + 120))
done_count=""
while (( SECONDS < deadline )); do
    done_count=$(query 'mnemo_tasks{sweep="scraped",state="done"}' 2>/dev/null || true)
    [[ "$done_count" == "$subsets" ]] && break
    sleep 1
done
results=$(query 'mnemo_results_total' || true)
echo "Prometheus reads mnemo_tasks{state=\"done\"} = ${done_count:-nothing}, mnemo_results_total = ${results:-nothing} (expected $subsets)"
if [[ "$done_count" != "$subsets" || "$results" != "$subsets" ]]; then
    echo "FAILED; coordinator log:" >&2
    tail -20 "$work/coordinator.log" >&2
    tail -5 "$work/prometheus.log" >&2
    exit 1
fi
echo "ok"
