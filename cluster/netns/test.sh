#!/bin/bash
# A multi-host test on this machine: three hosts as Linux network namespaces joined by veth links.
#
# The coordinator runs in mnemo-head, bound to every interface with CURVE (its key, the workers' key
# in its allowlist); one worker runs in each of mnemo-w1 and mnemo-w2, both with the same worker key
# (as a Slurm array or a Kubernetes Secret would give them) and distinct ids. The workers' hosts have
# no dataset files (the Fashion-MNIST folder is an empty tmpfs in their mount namespace) and empty
# home folders: they fetch the prepared dataset from the coordinator. w1's link is slowed to 40 Mbit/s
# so that its download takes a few seconds, and cut for 8 s in the middle of it (longer than the
# coordinator's 5 s worker timeout), then restored. The test checks that the sweep completes, both
# workers fetched the dataset and shipped results, every task is done once (one result, at its final
# attempt), and the exported scores equal those of a fault-free local run of the same sweep.
#
# Run it as root from the repository root:
#     cluster/netns/test.sh
# It installs iproute2, dataset-fashion-mnist and python3 with apt-get when missing, and copies
# .build/release/mnemo (building it with `swift build -c release --product mnemo` when it is missing
# or older than a source file). Here (2 cores) it takes about a minute (46–64 s); it gives up after 10 minutes.
# MNEMO_NETNS_TEST_KEEP=1 keeps the temporary folder (logs, databases, exports).
# Exit status: 0 when every check passed, 1 otherwise (with the tails of the logs).
set -euo pipefail

readonly LIMIT=600              # seconds for the whole run, cleanup included
readonly PREFIX=/tmp/mnemo-netns-test
readonly SUBSETS=32             # tasks of the sweep, about 1 s each here
readonly NAMESPACES=(mnemo-head mnemo-w1 mnemo-w2)
readonly DATA=/usr/share/datasets/fashion-mnist
readonly PORT=5555

if [[ -z "${MNEMO_NETNS_TEST_TIMED:-}" ]]; then
    # A hard stop: timeout sends SIGTERM (the cleanup below runs), then SIGKILL 30 s later.
    exec timeout -k 30 "$LIMIT" env MNEMO_NETNS_TEST_TIMED=1 "$0" "$@"
fi

started=$SECONDS
deadline=$((started + LIMIT - 30))
say() { printf '[%4ds] %s\n' $((SECONDS - started)) "$*"; }
T=
pids=()
failed=false

[[ $EUID -eq 0 ]] || { echo "test.sh: run it as root (it creates network namespaces)" >&2; exit 1; }
[[ -f cluster/netns/test.sh && -f Package.swift ]] \
    || { echo "test.sh: run it from the repository root (cluster/netns/test.sh)" >&2; exit 1; }
repo=$(pwd)
for v in $(compgen -v MNEMO_); do [[ $v == MNEMO_NETNS_TEST_* ]] || unset "$v"; done

dump_logs() {
    [[ -n "$T" && -d "$T" ]] || return 0
    local f
    for f in "$T"/log/*.log; do
        [[ -f "$f" ]] || continue
        echo "---- tail of ${f#"$T"/}"
        tail -n 20 "$f"
    done
}

fail() {
    failed=true
    echo "FAIL: $*" >&2
    dump_logs >&2
    exit 1
}

remove_namespaces() {
    local ns
    for ns in "${NAMESPACES[@]}"; do
        if ip netns list | grep -qw "$ns"; then
            # Processes still inside (a worker of an interrupted run) go first.
            ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
}

cleanup() {
    local status=$? pid
    set +e
    trap - EXIT TERM INT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    sleep 1
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    remove_namespaces
    if [[ -n "$T" && -d "$T" ]]; then
        if [[ "${MNEMO_NETNS_TEST_KEEP:-}" == 1 ]]; then echo "kept $T"; else rm -rf "$T"; fi
    fi
    if [[ $status -eq 0 ]] && ! $failed; then
        echo "PASS: network-namespace test, $((SECONDS - started)) s"
    else
        echo "FAIL: network-namespace test (exit $status) after $((SECONDS - started)) s" >&2
        [[ $status -eq 0 ]] && status=1
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'fail "interrupted (signal or the ${LIMIT}s limit)"' TERM INT

check_deadline() { (( SECONDS < deadline )) || fail "out of time: $*"; }

# One run at a time.
exec 9> "$PREFIX.lock"
flock -n 9 || { echo "test.sh: another run holds $PREFIX.lock" >&2; exit 1; }
remove_namespaces
rm -rf "$PREFIX".*/

# ---- packages and the binary
need=()
command -v ip >/dev/null && command -v tc >/dev/null || need+=(iproute2)
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || need+=(dataset-fashion-mnist)
command -v python3 >/dev/null || need+=(python3)
if (( ${#need[@]} )); then
    say "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [[ ! -x .build/release/mnemo ]] || [[ -n "$(find Sources Package.swift -newer .build/release/mnemo -print -quit)" ]]; then
    say "building .build/release/mnemo (missing or older than the sources)"
    swift build -c release --product mnemo
fi
T=$(mktemp -d "$PREFIX.XXXXXX")
mkdir -p "$T/bin" "$T/keys" "$T/log" "$T/home1" "$T/home2" "$T/head-cache" "$T/local-cache"
cp .build/release/mnemo "$T/bin/mnemo"
mnemo="$T/bin/mnemo"

# ---- three hosts: head 10.231.1.1 ↔ w1 10.231.1.2, head 10.231.2.1 ↔ w2 10.231.2.2
for ns in "${NAMESPACES[@]}"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
done
for i in 1 2; do
    ip link add "h-w$i" type veth peer name "w$i-h"
    ip link set "h-w$i" netns mnemo-head
    ip link set "w$i-h" netns "mnemo-w$i"
    ip -n mnemo-head addr add "10.231.$i.1/24" dev "h-w$i"
    ip -n "mnemo-w$i" addr add "10.231.$i.2/24" dev "w$i-h"
    ip -n mnemo-head link set "h-w$i" up
    ip -n "mnemo-w$i" link set "w$i-h" up
done
# w1's downlink at 40 Mbit/s: its dataset download takes a few seconds.
ip netns exec mnemo-head tc qdisc add dev h-w1 root tbf rate 40mbit burst 64kb latency 400ms
say "hosts up: mnemo-head (10.231.1.1, 10.231.2.1), mnemo-w1 (10.231.1.2), mnemo-w2 (10.231.2.2)"

# ---- keys and the sweep
"$mnemo" keys generate --out "$T/keys" --name coordinator >/dev/null
"$mnemo" keys generate --out "$T/keys/workers" --name worker >/dev/null
cat > "$T/netns.yaml" <<EOF
name: netns
seed: 9
dataset: {name: fashion-mnist, train_limit: 10000, test_limit: 500}
model: {kind: mlp, hidden: [128]}
training: {batch_size: 64, learning_rate: 0.05, max_epochs: 30}
estimator: {subsets: $SUBSETS, ratio: 0.5}
EOF
db="$T/netns.sqlite"

db_query() {  # DB SQL: rows as "a|b|c" lines, read-only
    python3 "$repo/cluster/db-query.py" "$1" "$2"
}

# ---- the coordinator on the head, every interface, CURVE
ip netns exec mnemo-head env XDG_CACHE_HOME="$T/head-cache" "$mnemo" coordinator "$T/netns.yaml" \
    --bind "tcp://0.0.0.0:$PORT" --key "$T/keys/coordinator.key" --allow "$T/keys/workers" --db "$db" \
    --no-progress > "$T/log/coordinator.log" 2>&1 &
coordinator=$!
pids+=("$coordinator")
until grep -q "serving sweep" "$T/log/coordinator.log"; do
    kill -0 "$coordinator" 2>/dev/null || fail "the coordinator exited early"
    check_deadline "waiting for the coordinator"
    sleep 0.5
done
say "coordinator serving on tcp://0.0.0.0:$PORT in mnemo-head"

# ---- one worker per worker host: no dataset files, an empty home folder
start_worker() {  # N
    local n=$1
    ip netns exec "mnemo-w$n" unshare -m sh -c \
        "mount -t tmpfs none $DATA && exec env HOME=$T/home$n XDG_CACHE_HOME= $mnemo worker --connect tcp://10.231.$n.1:$PORT --id w$n --key $T/keys/workers/worker.key --server-key $T/keys/coordinator.pub --idle-exit 60" \
        > "$T/log/w$n.log" 2>&1 &
    pids+=("$!")
    eval "worker$n=$!"
}
start_worker 1
start_worker 2

# ---- cut w1's link in the middle of its download, for 8 s
until grep -q "fetching dataset" "$T/log/w1.log"; do
    kill -0 "$worker1" 2>/dev/null || fail "worker w1 exited early"
    check_deadline "waiting for w1 to start fetching the dataset"
    sleep 0.2
done
sleep 2
grep -q "fetched dataset" "$T/log/w1.log" && fail "w1's download finished before the cut: the test would not test a resumed download"
say "w1 is fetching the dataset: cutting its link for 8 s"
ip -n mnemo-head link set h-w1 down
sleep 8
ip -n mnemo-head link set h-w1 up
say "w1's link restored"

wait "$coordinator" || fail "the coordinator exited $?"
for n in 1 2; do
    worker_pid=$(eval "echo \$worker$n")
    for _ in $(seq 60); do kill -0 "$worker_pid" 2>/dev/null || break; sleep 0.5; done
    wait "$worker_pid" || fail "worker w$n exited $?"
done
say "coordinator and both workers exited 0"

# ---- the logs
for n in 1 2; do
    grep -q "cannot use this worker's own copy of the data" "$T/log/w$n.log" || fail "w$n did not say why it fetches"
    line=$(grep -o "fetched dataset.*" "$T/log/w$n.log" | head -n 1) || fail "w$n did not fetch the dataset"
    say "w$n: $line"
done
grep -q "worker.id=w1 .*left (silent" "$T/log/coordinator.log" || fail "the coordinator did not notice w1's link going down"
say "coordinator: w1 $(grep "worker.id=w1 .*left (silent" "$T/log/coordinator.log" | grep -o "left (silent.*" | head -n 1)"

# ---- the database
checked=$(python3 "$repo/cluster/done-once.py" "$db" "$SUBSETS" 2>&1) || fail "$checked"
while read -r line; do say "$line"; done <<< "$checked"
for n in 1 2; do
    shipped=$(db_query "$db" "SELECT COUNT(*) FROM result WHERE workerID = 'w$n'")
    [[ "$shipped" -ge 1 ]] || fail "w$n shipped no result"
done
say "both workers shipped results"

# ---- the scores equal those of a fault-free local run
say "running the same sweep locally (2 workers, the dataset files at hand) for reference"
XDG_CACHE_HOME="$T/local-cache" "$mnemo" run "$T/netns.yaml" --db "$T/reference.sqlite" --workers 2 --no-progress \
    > "$T/log/reference.log" 2>&1 || fail "the reference run failed"
"$mnemo" export "$db" --out "$T/export-netns" > /dev/null 2>&1 || fail "mnemo export of the network run failed"
"$mnemo" export "$T/reference.sqlite" --out "$T/export-reference" > /dev/null 2>&1 || fail "mnemo export of the reference run failed"
for file in memorization.csv influence_top.csv influencers.csv entropy.csv; do
    cmp -s "$T/export-netns/$file" "$T/export-reference/$file" || fail "$file differs from the fault-free run's"
done
say "memorization.csv, influence_top.csv, influencers.csv and entropy.csv equal the fault-free run's"
