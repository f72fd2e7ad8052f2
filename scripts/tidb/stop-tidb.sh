#!/usr/bin/env bash
# Stops the tidb-server that scripts/tidb/ensure-tidb.sh started (by the pid it recorded; never
# by name), waiting (bounded) for it to exit. Its data directory is kept; ensure-tidb.sh with
# CONTAINEROPS_TIDB_FRESH=1 starts over from an empty one.
set -euo pipefail

ROOT="${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}/tidb"
PID_FILE="$ROOT/tidb.pid"
WAIT_SECONDS="${CONTAINEROPS_TIDB_STOP_SECONDS:-30}"

say() { printf '[stop-tidb] %s\n' "$*"; }

if [ ! -f "$PID_FILE" ]; then
  say "no pid file ($PID_FILE): nothing started by ensure-tidb.sh"
  exit 0
fi
pid="$(cat "$PID_FILE")"
if ! kill -0 "$pid" 2>/dev/null; then
  say "tidb-server (pid $pid) is not running"
  rm -f "$PID_FILE"
  exit 0
fi
kill -TERM "$pid"
deadline=$((SECONDS + WAIT_SECONDS))
while kill -0 "$pid" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    say "tidb-server (pid $pid) still running after ${WAIT_SECONDS}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    break
  fi
  sleep 0.2
done
rm -f "$PID_FILE"
say "stopped tidb-server (pid $pid)"
