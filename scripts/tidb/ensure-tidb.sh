#!/usr/bin/env bash
# Makes sure a TiDB server answers on 127.0.0.1:4000 (user root, no password), for tests only.
#
# Idempotent and fast when done:
#   1. build tidb-server into the tools cache when it is not there yet (scripts/tidb/build-tidb.sh);
#   2. when 127.0.0.1:4000 already answers `SELECT tidb_version()`, leave it alone;
#   3. otherwise start `tidb-server -store unistore` (one process, embedded storage) in the
#      background and wait (bounded) until it answers that query through the mariadb client.
#
# TiDB speaks the MySQL protocol: TEST_TIDB_URL=mysql://root@127.0.0.1:4000/test
#
# Environment:
#   CONTAINEROPS_SERVICES_DIR        data, log and pid files go under <dir>/tidb
#                                    (default /var/lib/containerops-test-services)
#   CONTAINEROPS_TIDB_PORT           MySQL protocol port (default 4000)
#   CONTAINEROPS_TIDB_STATUS_PORT    HTTP status port (default 10080)
#   CONTAINEROPS_TIDB_WAIT_SECONDS   how long to wait for the first answer (default 120)
#   CONTAINEROPS_TIDB_FRESH=1        delete the previous data directory before starting
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}/tidb"
PORT="${CONTAINEROPS_TIDB_PORT:-4000}"
STATUS_PORT="${CONTAINEROPS_TIDB_STATUS_PORT:-10080}"
WAIT_SECONDS="${CONTAINEROPS_TIDB_WAIT_SECONDS:-120}"
DATA_DIR="$ROOT/data"
LOG_FILE="$ROOT/tidb.log"
STDOUT_FILE="$ROOT/tidb.stdout.log"
PID_FILE="$ROOT/tidb.pid"

say() { printf '[ensure-tidb] %s\n' "$*"; }
die() { printf '[ensure-tidb] ERROR: %s\n' "$*" >&2; exit 1; }

client() {
  if command -v mariadb >/dev/null 2>&1; then echo mariadb
  elif command -v mysql >/dev/null 2>&1; then echo mysql
  else die "neither the mariadb nor the mysql client is installed (Debian: apt-get install mariadb-client)"
  fi
}

answers() {
  timeout 5 "$(client)" --protocol=TCP -h 127.0.0.1 -P "$PORT" -u root --connect-timeout=3 \
    -N -B -e 'SELECT tidb_version()' 2>/dev/null
}

if version="$(answers)"; then
  say "TiDB already answers on 127.0.0.1:$PORT: ${version%%\\n*}"
  exit 0
fi

BIN="$(bash "$HERE/build-tidb.sh" | tail -n 1)"
[ -x "$BIN" ] || die "build-tidb.sh did not produce a binary"

if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  die "a tidb-server from this script (pid $(cat "$PID_FILE")) runs but does not answer on port $PORT; run scripts/tidb/stop-tidb.sh first"
fi
if [ "${CONTAINEROPS_TIDB_FRESH:-0}" = 1 ]; then rm -rf "$DATA_DIR"; fi
mkdir -p "$DATA_DIR"

say "starting tidb-server on 127.0.0.1:$PORT (status :$STATUS_PORT, data $DATA_DIR, log $LOG_FILE)"
# setsid: the server outlives this script and the shell that ran it.
setsid "$BIN" -store unistore -path "$DATA_DIR" -P "$PORT" -status "$STATUS_PORT" \
  --host 127.0.0.1 -socket "" -log-file "$LOG_FILE" -log-slow-query "$LOG_FILE.slow" \
  >"$STDOUT_FILE" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$PID_FILE"

deadline=$((SECONDS + WAIT_SECONDS))
until version="$(answers)"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 30 "$STDOUT_FILE" "$LOG_FILE" >&2 2>/dev/null || true
    rm -f "$PID_FILE"
    die "tidb-server exited while starting (logs above: $STDOUT_FILE, $LOG_FILE)"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    tail -n 30 "$LOG_FILE" >&2 2>/dev/null || true
    die "tidb-server (pid $pid) did not answer on 127.0.0.1:$PORT within ${WAIT_SECONDS}s (log: $LOG_FILE)"
  fi
  sleep 0.5
done
"$(client)" --protocol=TCP -h 127.0.0.1 -P "$PORT" -u root -e 'CREATE DATABASE IF NOT EXISTS test'
# -B prints the multi-line tidb_version() with literal \n: its first line is the release.
say "TiDB answers on 127.0.0.1:$PORT (pid $pid): ${version%%\\n*}"
