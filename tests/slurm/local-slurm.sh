#!/usr/bin/env bash
# A real single-node Slurm for tests (facts: shared/notes/slurm-local.md). Needs root.
#   local-slurm.sh install        apt-get the daemons if missing
#   local-slurm.sh up DIR         write DIR/slurm.conf, start munge (if needed), slurmctld, slurmd
#   local-slurm.sh up DIR gpu     the same node dressed as a GPU node: 8 fake GPUs (gres on char devices with
#                                 /dev/null's numbers), 64 CPUs and 1 TB declared (config_overrides), partitions
#                                 main and gpu: jobs sized for a real GPU node are accepted (hold them; they
#                                 cannot really run)
#   local-slurm.sh down DIR       stop the daemons this script started (by their pid files)
# Clients find the cluster through SLURM_CONF=DIR/slurm.conf. srun inside batch jobs reads
# only /etc/slurm/slurm.conf, so `up` links it there when no config exists (and `down` unlinks).
set -euo pipefail
cmd=${1:?usage: local-slurm.sh install|up DIR|down DIR}

case "$cmd" in
install)
    if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            slurmctld slurmd slurm-client munge >/dev/null
    fi
    ;;
up)
    dir=$(realpath -m "${2:?DIR}")
    mkdir -p "$dir/state" "$dir/spool"
    host=$(hostname -s)
    getent hosts "$host" >/dev/null || echo "127.0.0.1 $host" >>/etc/hosts
    cpus=$(nproc)
    mem=$(($(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) - 1024))
    node_extra="" gpu_lines=""
    if [ "${3:-}" = gpu ]; then
        cpus=64 mem=1024000 node_extra="Gres=gpu:8"
        gpu_lines="GresTypes=gpu
SlurmdParameters=config_overrides
PartitionName=gpu Nodes=ALL MaxTime=INFINITE State=UP"
        for i in 0 1 2 3 4 5 6 7; do
            [ -e "$dir/gpu$i" ] || mknod "$dir/gpu$i" c 1 3
        done
        echo "NodeName=$host Name=gpu File=$dir/gpu[0-7]" >"$dir/gres.conf"
    fi
    cat >"$dir/slurm.conf" <<CONF
ClusterName=ci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$cpus RealMemory=$mem $node_extra State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
$gpu_lines
CONF
    export SLURM_CONF="$dir/slurm.conf"
    if [ ! -e /etc/slurm/slurm.conf ]; then
        mkdir -p /etc/slurm
        ln -s "$SLURM_CONF" /etc/slurm/slurm.conf
        touch "$dir/etc-link.created"
    elif [ "$(realpath /etc/slurm/slurm.conf)" != "$SLURM_CONF" ]; then
        echo "/etc/slurm/slurm.conf exists: refusing to start a test cluster beside a real one" >&2
        exit 1
    fi
    if ! pgrep -x munged >/dev/null; then
        mkdir -p /run/munge
        chown munge: /run/munge
        runuser -u munge -- /usr/sbin/munged
        touch "$dir/munged.started"
    fi
    slurmctld -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    for _ in $(seq 1 30); do
        if sinfo -h -o %T 2>/dev/null | grep -q idle; then
            exit 0
        fi
        sleep 1
    done
    echo "local Slurm did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
    exit 1
    ;;
down)
    dir=$(realpath -m "${2:?DIR}")
    # stop_pid FILE: end the daemon whose PID FILE names and wait until it has exited, so that a cluster
    # started right after this one never finds a daemon that is still shutting down (munged's socket vanishes)
    stop_pid() {
        [ -f "$1" ] || return 0
        local pid
        pid=$(cat "$1")
        kill "$pid" 2>/dev/null || return 0
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    }
    for daemon in slurmd slurmctld; do
        stop_pid "$dir/$daemon.pid"
    done
    if [ -f "$dir/etc-link.created" ]; then
        rm -f /etc/slurm/slurm.conf "$dir/etc-link.created"
    fi
    if [ -f "$dir/munged.started" ]; then
        stop_pid /run/munge/munged.pid
        rm -f "$dir/munged.started"
    fi
    ;;
*)
    echo "unknown command: $cmd" >&2
    exit 2
    ;;
esac
