#!/bin/bash
# A real Slurm test of cluster/slurm/coordinator.sbatch and cluster/slurm/workers.sbatch.
#
# It starts a private one-node Slurm cluster on this machine (munged, slurmctld and slurmd, with a
# generated slurm.conf, munge key, sockets, state and logs in a temporary folder; every address it
# uses is loopback), makes CURVE keys, submits coordinator.sbatch for a small Fashion-MNIST sweep and
# workers.sbatch as a two-task array that finds the coordinator through the rendezvous file, cancels
# one array task mid-run with SIGTERM (as preemption does) and checks that its worker stopped and
# exited 0, then waits for the sweep to end and checks the database: every task done, one result per
# task, at the task's final attempt.
#
# Run it as root from the repository root:
#     cluster/slurm/test.sh
# It installs slurm-wlm, munge and dataset-fashion-mnist with apt-get when missing, and copies
# .build/release/mnemo (building it with `swift build -c release --product mnemo` only when it is
# missing) so that a rebuild during the run does not matter. Here (2 cores) it takes about 2 minutes;
# it gives up after 15. MNEMO_SLURM_TEST_KEEP=1 keeps the temporary folder.
# Exit status: 0 when every check passed, 1 otherwise (with the daemons' and jobs' log tails).
set -euo pipefail

readonly LIMIT=900              # seconds for the whole run, cleanup included
readonly PREFIX=/tmp/mnemo-slurm-test
readonly CTLD_PORT=16817 SLURMD_PORT=16818
readonly SUBSETS=32             # tasks of the sweep, about 3 s each here

if [[ -z "${MNEMO_SLURM_TEST_TIMED:-}" ]]; then
    # A hard stop: timeout sends SIGTERM (the cleanup below runs), then SIGKILL 60 s later.
    exec timeout -k 60 "$LIMIT" env MNEMO_SLURM_TEST_TIMED=1 "$0" "$@"
fi

started=$SECONDS
deadline=$((started + LIMIT - 60))
say() { printf '[%4ds] %s\n' $((SECONDS - started)) "$*"; }
T=
failed=false

[[ $EUID -eq 0 ]] || { echo "test.sh: run it as root" >&2; exit 1; }
[[ -f cluster/slurm/workers.sbatch && -f Package.swift ]] \
    || { echo "test.sh: run it from the repository root (cluster/slurm/test.sh)" >&2; exit 1; }
repo=$(pwd)

# Variables of the caller's shell must not reach the jobs (they run with --export=ALL).
for v in $(compgen -v MNEMO_); do [[ $v == MNEMO_SLURM_TEST_* ]] || unset "$v"; done

# One run at a time: whatever a previous run left is then stale.
exec 9> "$PREFIX.lock"
lock_holders() {  # the processes other than this run that have the lock file open
    local fd pid self=$BASHPID
    local -A seen=()
    for fd in /proc/[0-9]*/fd/*; do
        pid=${fd#/proc/}
        pid=${pid%%/*}
        [[ "$pid" == "$$" || "$pid" == "$self" || -n "${seen[$pid]:-}" ]] && continue
        if [[ "$(readlink "$fd" 2>/dev/null)" == "$PREFIX.lock" ]]; then
            seen[$pid]=1
            echo "$pid"
        fi
    done
}

# Processes of earlier runs of this script: their command line, working folder or environment
# names a $PREFIX.* folder.
stale_pids() {
    local p ppid
    for p in /proc/[0-9]*; do
        [[ "${p#/proc/}" == "$$" || "${p#/proc/}" == "$BASHPID" ]] && continue
        # Not this run's own helpers (the pipes below inherit SLURM_CONF).
        ppid=$(awk '/^PPid:/ { print $2 }' "$p/status" 2>/dev/null) || continue
        [[ "$ppid" == "$$" || "$ppid" == "$BASHPID" ]] && continue
        if { tr '\0' ' ' < "$p/cmdline" | grep -q "$PREFIX\." ||
            readlink "$p/cwd" | grep -q "^$PREFIX\." ||
            tr '\0' '\n' < "$p/environ" | grep -q "^SLURM_CONF=$PREFIX\."; } 2>/dev/null; then
            echo "${p#/proc/}"
        fi
    done
}

dump_logs() {
    [[ -n "$T" && -d "$T" ]] || return 0
    echo "---- squeue / sinfo"
    squeue -a -o '%.18i %.10j %.8T %.10M %R' 2>&1 || true
    sinfo 2>&1 || true
    local f
    for f in "$T"/log/coordinator-*.out "$T"/log/workers-*.out; do
        [[ -f "$f" ]] || continue
        echo "---- tail of ${f#"$T"/}"
        grep -v ' debug ' "$f" | tail -n 25
    done
    for f in slurmctld.log slurmd.log; do
        [[ -f "$T/log/$f" ]] || continue
        echo "---- tail of $f"
        tail -n 15 "$T/log/$f"
    done
    [[ -f "$T/munge/munged.log" ]] && { echo "---- tail of munged.log"; tail -n 5 "$T/munge/munged.log"; }
}

fail() {
    failed=true
    echo "FAIL: $*" >&2
    dump_logs >&2
    exit 1
}

pid_of() { [[ -f "$1" ]] && cat "$1" 2>/dev/null || true; }

stop_pids() {  # PID...: SIGTERM, then SIGKILL to those still there 10 s later
    local pid i alive
    for pid in "$@"; do [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true; done
    for i in $(seq 20); do
        alive=false
        for pid in "$@"; do [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && alive=true; done
        $alive || return 0
        sleep 0.5
    done
    for pid in "$@"; do [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true; done
}

cleanup() {
    local status=$? pid i
    set +e
    trap - EXIT TERM INT
    if [[ -n "$T" && -d "$T" ]]; then
        if [[ -f "$T/run/slurmctld.pid" ]] && kill -0 "$(pid_of "$T/run/slurmctld.pid")" 2>/dev/null; then
            scancel --user=root >/dev/null 2>&1
            for i in $(seq 40); do
                [[ -z "$(squeue -h -o %i 2>/dev/null)" ]] && break
                sleep 1
            done
        fi
        stop_pids "$(pid_of "$T/run/slurmd.pid")" "$(pid_of "$T/run/slurmctld.pid")"
        stop_pids "$(pid_of "$T/munge/munged.pid")"
        # Job processes that outlived their daemons (their binary, folder or SLURM_CONF are in $T).
        # shellcheck disable=SC2046
        stop_pids $(stale_pids)
        if [[ "${MNEMO_SLURM_TEST_KEEP:-}" == 1 ]]; then
            echo "kept $T"
        else
            rm -rf "$T"
        fi
    fi
    if [[ $status -eq 0 ]] && ! $failed; then
        echo "PASS: Slurm test, $((SECONDS - started)) s"
    else
        echo "FAIL: Slurm test (exit $status) after $((SECONDS - started)) s" >&2
        [[ $status -eq 0 ]] && status=1
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'fail "interrupted (signal or the ${LIMIT}s limit)"' TERM INT

check_deadline() { (( SECONDS < deadline )) || fail "out of time: $*"; }

if ! flock -n 9; then
    # Held by a live run (refuse), or by daemons an older run let inherit the lock (stop them).
    stale=" $(stale_pids | tr '\n' ' ') "
    for pid in $(lock_holders); do
        [[ "$stale" == *" $pid "* ]] || {
            echo "test.sh: another run holds $PREFIX.lock: $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) (pid $pid)" >&2
            exit 1
        }
    done
    say "stopping processes left by an earlier run:$stale"
    # shellcheck disable=SC2086
    stop_pids $stale
    flock -w 15 9 || { echo "test.sh: cannot take $PREFIX.lock" >&2; exit 1; }
fi

# ---- leftovers of an earlier run
leftovers=$(stale_pids | tr '\n' ' ')
if [[ -n "${leftovers// /}" ]]; then
    say "stopping processes left by an earlier run: $leftovers"
    # shellcheck disable=SC2086
    stop_pids $leftovers
fi
rm -rf "$PREFIX".*/
for port in $CTLD_PORT $SLURMD_PORT; do
    if ss -Hltn "sport = :$port" | grep -q .; then
        fail "port $port is taken by a process this script did not start: $(ss -Hltnp "sport = :$port")"
    fi
done

# ---- packages and the binary
need=()
command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null || need+=(slurm-wlm)
command -v munged >/dev/null && command -v mungekey >/dev/null || need+=(munge)
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || need+=(dataset-fashion-mnist)
command -v python3 >/dev/null || need+=(python3)
if (( ${#need[@]} )); then
    say "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

T=$(mktemp -d "$PREFIX.XXXXXX")
chmod 0755 "$T"  # munged wants its socket's folders searchable by all
mkdir -p "$T/bin" "$T/keys" "$T/log" "$T/run" "$T/state/ctld" "$T/state/d"
if [[ ! -x .build/release/mnemo ]]; then
    say "no .build/release/mnemo: building it"
    swift build -c release --product mnemo
fi
cp .build/release/mnemo "$T/bin/mnemo"
mnemo="$T/bin/mnemo"

# ---- munge, on a private socket and key
mkdir -m 0755 "$T/munge"
mungekey --create --keyfile="$T/munge/munge.key" 2>/dev/null ||
    dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 0600 "$T/munge/munge.key"
munged 9>&- --socket="$T/munge/munge.socket" --key-file="$T/munge/munge.key" \
    --pid-file="$T/munge/munged.pid" --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" ||
    fail "munged did not start"
munge -S "$T/munge/munge.socket" -n | unmunge -S "$T/munge/munge.socket" >/dev/null || fail "munge does not work"

# ---- slurm.conf for this one node
node=$(hostname -s)
read -r cpus memory < <(slurmd -C | awk '/^NodeName/ {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["CPUs"], v["RealMemory"] }')
[[ -n "$cpus" && -n "$memory" ]] || fail "slurmd -C told no CPUs or memory"
: > "$T/plugstack.conf"
cat > "$T/slurm.conf" <<EOF
# Generated by cluster/slurm/test.sh: a private one-node cluster, every address loopback.
ClusterName=mnemotest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.socket
StateSaveLocation=$T/state/ctld
SlurmdSpoolDir=$T/state/d
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$T/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobRequeue=1
# The time between SIGTERM and SIGKILL when a job is cancelled or preempted (workers use --grace 25).
KillWait=30
# Keep finished jobs visible to scontrol long enough to read their exit codes.
MinJobAge=900
# One CPU more than the machine has ($cpus): the coordinator job mostly waits on its socket, and
# each worker array task gets one of the real cores. config_overrides lets slurmd report these.
SlurmdParameters=config_overrides
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$((cpus + 1)) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$T/slurm.conf"

say "starting slurmctld and slurmd (node $node, $cpus CPUs + 1, conf $SLURM_CONF)"
slurmctld -f "$SLURM_CONF" 9>&- || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N "$node" 9>&- || fail "slurmd did not start"
until [[ "$(sinfo -h -n "$node" -o %t 2>/dev/null)" == idle ]]; do
    (( SECONDS - started < 90 )) || fail "node $node is not idle: $(sinfo -h -n "$node" -o '%t %E' 2>&1)"
    sleep 1
done
say "node $node idle"

# ---- keys, sweep, jobs
"$mnemo" keys generate --out "$T/keys" --name coordinator >/dev/null
"$mnemo" keys generate --out "$T/keys/workers" --name worker >/dev/null
cat > "$T/slurmtest.yaml" <<EOF
name: slurmtest
seed: 5
dataset: {name: fashion-mnist, train_limit: 12000, test_limit: 500}
model: {kind: mlp, hidden: [256]}
training: {batch_size: 64, learning_rate: 0.05, max_epochs: 30}
estimator: {subsets: $SUBSETS, ratio: 0.7}
EOF
db="$T/slurmtest.sqlite"
rendezvous="$T/mnemo-coordinator.env"
# A free loopback port for the coordinator.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

coord=$(sbatch --parsable --chdir="$T" --time=20 --output="$T/log/coordinator-%j.out" \
    --export="ALL,MNEMO_BIN=$mnemo,MNEMO_SWEEP=$T/slurmtest.yaml,MNEMO_DB=$db,MNEMO_COORDINATOR_KEY=$T/keys/coordinator.key,MNEMO_ALLOW=$T/keys/workers,MNEMO_PORT=$port,MNEMO_RENDEZVOUS=$rendezvous" \
    "$repo/cluster/slurm/coordinator.sbatch") || fail "sbatch coordinator.sbatch"
array=$(sbatch --parsable --chdir="$T" --array=0-1 --cpus-per-task=1 --time=20 \
    --output="$T/log/workers-%A_%a.out" \
    --export="ALL,MNEMO_BIN=$mnemo,MNEMO_KEY=$T/keys/workers/worker.key,MNEMO_RENDEZVOUS=$rendezvous" \
    "$repo/cluster/slurm/workers.sbatch") || fail "sbatch workers.sbatch"
say "submitted coordinator job $coord and worker array $array (tasks 0-1); sweep of $SUBSETS tasks, port $port"

job_field() {  # JOB FIELD: a field of `scontrol show job`
    scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}
in_queue() { [[ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]]; }
db_query() {  # SQL: rows as "a|b|c" lines, read-only
    python3 "$repo/cluster/db-query.py" "$db" "$1"
}

victim_job="${array}_1"
victim_id="slurm-$array-1-r0-0"
victim_log="$T/log/workers-${array}_1.out"
coord_log="$T/log/coordinator-$coord.out"

# ---- wait until both workers train, the victim has shipped a result and is on its next task
until [[ -f "$db" ]] && [[ "$(db_query "SELECT COUNT(*) FROM result WHERE workerID = '$victim_id'" 2>/dev/null)" -ge 1 ]] &&
    [[ "$(db_query "SELECT COUNT(*) FROM result WHERE workerID = 'slurm-$array-0-r0-0'" 2>/dev/null)" -ge 1 ]]; do
    check_deadline "waiting for both workers to ship results"
    in_queue "$coord" || fail "the coordinator job ended early"
    sleep 1
done
[[ -f "$rendezvous" ]] || fail "no rendezvous file $rendezvous while the coordinator serves"
say "rendezvous: $(tr '\n' ' ' < "$rendezvous")"
sleep 1.5  # well inside the victim's next task (about 3 s each)
done_before=$(db_query "SELECT COUNT(*) FROM task WHERE state = 'done'")
say "$done_before of $SUBSETS tasks done; cancelling array task $victim_job with SIGTERM"
term_time=$(date -u +%s.%N)
scancel --signal=TERM --full "$victim_job" || fail "scancel --signal=TERM $victim_job"

while in_queue "$victim_job"; do
    check_deadline "waiting for the cancelled array task to end"
    (( $(date -u +%s) - ${term_time%.*} < 60 )) || fail "array task $victim_job still runs 60 s after SIGTERM"
    sleep 1
done
state=$(job_field "$victim_job" JobState) exit_code=$(job_field "$victim_job" ExitCode)
stop_seconds=$(python3 -c "import time; print(round(time.time() - $term_time, 1))")
say "array task $victim_job ended: $state, exit code $exit_code, within ${stop_seconds}s of SIGTERM"
[[ "$state" == COMPLETED && "$exit_code" == 0:0 ]] || fail "array task $victim_job: $state, exit code $exit_code (want COMPLETED 0:0)"
grep -q "stopping: no new tasks" "$victim_log" || fail "the cancelled worker did not log that it was stopping"
grep -q "exiting: stopped by a signal" "$victim_log" || fail "the cancelled worker did not stop on the signal"
grep -q "worker $victim_id exited 0" "$victim_log" || fail "workers.sbatch did not report worker $victim_id exiting 0"
say "cancelled worker's log: $(grep -o 'worker .* exiting: .*' "$victim_log" | head -n 1)"
shipped_after=$(db_query "SELECT COUNT(*) FROM result WHERE workerID = '$victim_id' AND CAST(strftime('%s', receivedAt) AS REAL) >= ${term_time%.*}")
handed_back=$(grep -o "worker $victim_id left.*" "$coord_log" | head -n 1 || true)
say "coordinator: ${handed_back:-no departure logged}; results the worker shipped after SIGTERM: $shipped_after"
[[ -n "$handed_back" ]] || fail "the coordinator did not log the cancelled worker leaving"
if [[ "$shipped_after" -eq 0 && "$handed_back" != *"tasks handed back"* ]]; then
    say "warning: SIGTERM seems to have landed between two tasks (nothing shipped or handed back)"
fi

# ---- the rest of the sweep on the other worker
while in_queue "$coord"; do
    check_deadline "waiting for the coordinator job ($(db_query "SELECT COUNT(*) FROM task WHERE state = 'done'" 2>/dev/null) of $SUBSETS done)"
    sleep 2
done
state=$(job_field "$coord" JobState) exit_code=$(job_field "$coord" ExitCode)
say "coordinator job $coord ended: $state, exit code $exit_code"
[[ "$state" == COMPLETED && "$exit_code" == 0:0 ]] || fail "coordinator job: $state, exit code $exit_code (want COMPLETED 0:0)"
grep -q "wrote $rendezvous" "$coord_log" || fail "coordinator.sbatch did not write the rendezvous file"
[[ ! -e "$rendezvous" ]] || fail "coordinator.sbatch left its rendezvous file behind"
while in_queue "${array}_0"; do
    check_deadline "waiting for array task ${array}_0 to leave after the sweep"
    sleep 1
done
state=$(job_field "${array}_0" JobState) exit_code=$(job_field "${array}_0" ExitCode)
say "array task ${array}_0 ended: $state, exit code $exit_code"
[[ "$state" == COMPLETED && "$exit_code" == 0:0 ]] || fail "array task ${array}_0: $state, exit code $exit_code (want COMPLETED 0:0)"
grep -q "sweep complete" "$T/log/workers-${array}_0.out" || fail "worker 0 did not leave on 'sweep complete'"

# ---- the database
checked=$(python3 "$repo/cluster/done-once.py" "$db" "$SUBSETS" 2>&1) || fail "$checked"
while read -r line; do say "$line"; done <<< "$checked"
tasks=$SUBSETS
status_done=$("$mnemo" status "$db" --json | python3 -c 'import json, sys; t = json.load(sys.stdin)["sweeps"][0]["tasks"]; print(t["done"], t["total"])')
[[ "$status_done" == "$tasks $tasks" ]] || fail "mnemo status says done/total = $status_done"
say "mnemo status agrees: $tasks of $tasks done"
