#!/usr/bin/env bash
# Stops what scripts/k8s/ensure-control-plane.sh started, in reverse order (scheduler,
# controller-manager, API server, etcd), by the pids it recorded (never by name), each waited
# for (bounded). Certificates, kubeconfigs and etcd's data are kept; ensure-control-plane.sh with
# CONTAINEROPS_K8S_FRESH=1 starts over from an empty etcd.
set -euo pipefail

RUN="${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}/k8s/run"
WAIT_SECONDS="${CONTAINEROPS_K8S_STOP_SECONDS:-30}"

say() { printf '[stop-control-plane] %s\n' "$*"; }

stop() {
  local name=$1 pid_file="$RUN/$1.pid" pid deadline
  if [ ! -f "$pid_file" ]; then
    say "$name: not started by ensure-control-plane.sh"
    return 0
  fi
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    deadline=$((SECONDS + WAIT_SECONDS))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        say "$name (pid $pid) still running after ${WAIT_SECONDS}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
    say "stopped $name (pid $pid)"
  else
    say "$name (pid $pid) was not running"
  fi
  rm -f "$pid_file"
}

for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$name"; done
