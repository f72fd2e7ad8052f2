#!/usr/bin/env bash
# Stops what ensure-cluster.sh started: the node agent first (by its recorded pid; the Node stays
# registered and turns NotReady, its pods' containers are kept for the next start), then the
# control plane (stop-control-plane.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}/k8s/run"
WAIT_SECONDS="${CONTAINEROPS_K8S_STOP_SECONDS:-30}"

say() { printf '[stop-cluster] %s\n' "$*"; }

if [ -f "$RUN/node-agent.pid" ]; then
  pid="$(cat "$RUN/node-agent.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    deadline=$((SECONDS + WAIT_SECONDS))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        say "node agent (pid $pid) still running after ${WAIT_SECONDS}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
    say "stopped the node agent (pid $pid)"
  else
    say "node agent (pid $pid) was not running"
  fi
  rm -f "$RUN/node-agent.pid"
else
  say "node agent: not started by ensure-node-agent.sh"
fi
bash "$HERE/stop-control-plane.sh"
