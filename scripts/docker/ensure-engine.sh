#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine and that it is a single-node swarm manager.
#
# Idempotent and fast when already done: each step is skipped when its effect is already there.
#   1. install Debian's docker.io when `dockerd` is missing (apt-get update once first);
#   2. start dockerd in the background when the socket does not answer;
#   3. wait (bounded) for `docker info`;
#   4. `docker swarm init` when the node is not in a swarm yet.
#
# The machine has no network but loopback, so dockerd runs with --bridge=none and without
# iptables: containers get a loopback interface only, which is all the tests need.
#
# Storage driver: overlay2 is used when the kernel can mount an overlay on the filesystem that
# holds /var/lib/docker (checked with a throw-away mount below; it can on this machine's ext4
# root). When it cannot (e.g. /var/lib/docker itself on an overlay without support for nesting)
# the script falls back to vfs, which always works but copies whole layers (slow, big).
# CONTAINEROPS_DOCKER_STORAGE_DRIVER overrides the choice.
#
# Environment: CONTAINEROPS_DOCKERD_LOG (default /var/log/containerops-dockerd.log),
# CONTAINEROPS_DOCKER_WAIT_SECONDS (default 900: a daemon that was killed with containers running
# cleans up their stale sandboxes at start, about 0.1 s each, before it answers).
#
# Stale network state: dockerd keeps a record per container sandbox in
# $DATA_ROOT/network/files/local-kv.db, and Docker 20.10 leaves many behind (thousands after a few
# test runs, each removed one by one at the next start: a 5-minute start was seen). When dockerd is
# down and no container exists, none of those records can be live, so the file is removed before
# the start; dockerd rebuilds its default networks and swarm recreates docker_gwbridge on demand.
set -euo pipefail

LOG_FILE="${CONTAINEROPS_DOCKERD_LOG:-/var/log/containerops-dockerd.log}"
WAIT_SECONDS="${CONTAINEROPS_DOCKER_WAIT_SECONDS:-900}"
DATA_ROOT=/var/lib/docker

say() { printf '[ensure-engine] %s\n' "$*"; }
die() { printf '[ensure-engine] ERROR: %s\n' "$*" >&2; exit 1; }
started_at=$SECONDS

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    die "must run as root (or with sudo) to $*"
  fi
}

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

install_engine() {
  say "dockerd not found: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"
  # policy-rc.d 101 keeps the package's maintainer scripts from trying to start a service
  # manager this machine may not have; we start dockerd ourselves below.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod +x "$policy"
    created_policy=1
  fi
  local rc=0
  as_root apt-get install -y -qq --no-install-recommends docker.io >/dev/null || rc=$?
  if [ "$created_policy" -eq 1 ]; then as_root rm -f "$policy"; fi
  [ "$rc" -eq 0 ] || die "apt-get install docker.io failed (exit $rc)"
  command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd is still not on PATH"
}

pick_storage_driver() {
  if [ -n "${CONTAINEROPS_DOCKER_STORAGE_DRIVER:-}" ]; then
    echo "$CONTAINEROPS_DOCKER_STORAGE_DRIVER"
    return
  fi
  as_root mkdir -p "$DATA_ROOT"
  local probe
  probe="$(as_root mktemp -d "$DATA_ROOT/.overlay-probe.XXXXXX")"
  as_root mkdir -p "$probe/lower" "$probe/upper" "$probe/work" "$probe/merged"
  if as_root mount -t overlay overlay \
    -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    as_root umount "$probe/merged"
    as_root rm -rf "$probe"
    echo overlay2
  else
    as_root rm -rf "$probe"
    echo vfs
  fi
}

drop_stale_network_state() {
  local kv="$DATA_ROOT/network/files/local-kv.db"
  as_root test -f "$kv" || return 0
  if pgrep -x dockerd >/dev/null 2>&1; then return 0; fi
  if [ -n "$(as_root find "$DATA_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | head -n 1)" ]; then
    return 0
  fi
  local records
  records="$(as_root grep -a -o "docker/network/v1.0/sandbox/" "$kv" 2>/dev/null | wc -l)"
  say "no container exists: removing dockerd's network records ($kv, ${records:-?} sandbox records)"
  as_root rm -f "$kv"
}

start_engine() {
  drop_stale_network_state
  local driver
  driver="$(pick_storage_driver)"
  say "starting dockerd (storage driver $driver, log $LOG_FILE)"
  as_root mkdir -p "$(dirname "$LOG_FILE")"
  # setsid + nohup: the daemon must outlive this script and the shell or CI step that ran it.
  as_root setsid nohup dockerd \
    --bridge=none --iptables=false --ip6tables=false \
    --storage-driver="$driver" \
    >>"$LOG_FILE" 2>&1 </dev/null &
  local deadline=$((SECONDS + WAIT_SECONDS))
  until engine_answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$LOG_FILE" >&2 || true
      die "dockerd did not answer within ${WAIT_SECONDS}s (log above, full log in $LOG_FILE)"
    fi
    if ! pgrep -x dockerd >/dev/null 2>&1; then
      tail -n 30 "$LOG_FILE" >&2 || true
      die "dockerd exited while starting (log above, full log in $LOG_FILE)"
    fi
    if [ $(((deadline - SECONDS) % 15)) -eq 0 ]; then
      say "still waiting for dockerd ($((SECONDS - started_at))s; last log line: $(tail -n 1 "$LOG_FILE" 2>/dev/null | cut -c1-120))"
    fi
    sleep 1
  done
}

ensure_swarm() {
  local state
  state="$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown)"
  if [ "$state" = "active" ]; then
    # Docker 20.10 keeps the task records of removed replicated-job services (moby#42789);
    # they pile up across test runs and slow the manager down. No service of ours outlives a
    # test run, so past a threshold the single-node swarm is simply made anew.
    local tasks
    tasks="$(docker node ps self --format '{{.ID}}' 2>/dev/null | wc -l)"
    if [ "$tasks" -lt "${CONTAINEROPS_SWARM_MAX_TASKS:-300}" ] || [ -n "$(docker service ls -q 2>/dev/null)" ]; then
      say "swarm: already active ($tasks task records)"
      return
    fi
    say "swarm: $tasks stale task records, re-creating the single-node swarm"
    docker swarm leave --force >/dev/null || die "docker swarm leave failed"
    state=inactive
  fi
  say "swarm: state '$state', running docker swarm init"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null ||
    die "docker swarm init failed (see $LOG_FILE)"
}

if ! command -v dockerd >/dev/null 2>&1; then
  install_engine
fi
command -v docker >/dev/null 2>&1 || die "docker CLI not on PATH (docker.io should provide it)"

if engine_answers; then
  say "engine already answers"
else
  start_engine
fi
ensure_swarm

say "ready: server $(docker version --format '{{.Server.Version}}'), storage $(docker info --format '{{.Driver}}') ($((SECONDS - started_at))s)"
