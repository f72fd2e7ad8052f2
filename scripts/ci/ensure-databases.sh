#!/usr/bin/env bash
# Installs (Debian's packages) and starts the database servers the tests use, on loopback only:
#   PostgreSQL 127.0.0.1:5432  user postgres, trust auth, database `test`   (TEST_POSTGRES_URL)
#   MariaDB    127.0.0.1:3306  user root, no password, database `test`     (TEST_MYSQL_URL)
#   Redis      127.0.0.1:6379                                               (TEST_REDIS_URL)
#
# Idempotent and fast when done: a server that already answers on its port is left alone.
# Each server gets its own data directory under $CONTAINEROPS_SERVICES_DIR (default
# /var/lib/containerops-test-services) rather than the packages' default clusters, so the script
# does not depend on a service manager (there is none on these machines) nor on how a package's
# maintainer scripts configured authentication. Test-only settings: trust / empty password on
# loopback, no durability tuning. Never use these instances for anything else.
set -euo pipefail

ROOT="${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}"
WAIT_SECONDS="${CONTAINEROPS_SERVICES_WAIT_SECONDS:-60}"

say() { printf '[ensure-databases] %s\n' "$*"; }
die() { printf '[ensure-databases] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (installs packages, starts servers as their system users)"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 what=$2 log=$3 pid=${4:-} deadline=$((SECONDS + WAIT_SECONDS))
  until port_open "$port"; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log" >&2 || true
      die "$what exited while starting (log above: $log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$log" >&2 || true
      die "$what did not listen on 127.0.0.1:$port within ${WAIT_SECONDS}s (log above: $log)"
    fi
    sleep 0.3
  done
}

apt_updated=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101: the packages' maintainer scripts must not start their default services;
  # this script starts its own instances below.
  local policy=/usr/sbin/policy-rc.d created_policy=0 rc=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    apt-get update -qq || rc=$?
    apt_updated=1
  fi
  [ "$rc" -eq 0 ] && { apt-get install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?; }
  if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi
  [ "$rc" -eq 0 ] || die "apt-get install $* failed (exit $rc)"
}

ensure_postgres() {
  if port_open 5432; then say "postgresql: already listening on 5432"; return; fi
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
    say "postgresql: installing Debian's postgresql"
    apt_install postgresql
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  local data="$ROOT/postgres" log="$ROOT/postgres.log"
  mkdir -p "$ROOT"
  if [ ! -s "$data/PG_VERSION" ]; then
    rm -rf "$data"
    install -d -o postgres -g postgres "$data"
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 >"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; die "initdb failed"; }
  fi
  touch "$log" && chown postgres:postgres "$log"
  install -d -o postgres -g postgres /var/run/postgresql
  say "postgresql: starting ($bin, data $data)"
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$log" -w -t "$WAIT_SECONDS" \
    -o "-c listen_addresses=127.0.0.1 -p 5432 -k /var/run/postgresql -c fsync=off -c max_connections=300" \
    start >/dev/null || { tail -n 30 "$log" >&2; die "postgresql did not start (log: $log)"; }
  wait_port 5432 postgresql "$log"
  runuser -u postgres -- psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" |
    grep -q 1 || runuser -u postgres -- psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE test'
}

ensure_mariadb() {
  if port_open 3306; then say "mariadb: already listening on 3306"; return; fi
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    say "mariadb: installing Debian's mariadb-server"
    apt_install mariadb-server
  fi
  local data="$ROOT/mariadb" log="$ROOT/mariadb.log"
  mkdir -p "$ROOT"
  if [ ! -d "$data/mysql" ]; then
    rm -rf "$data"
    install -d -o mysql -g mysql "$data"
    mariadb-install-db --user=mysql --datadir="$data" --auth-root-authentication-method=normal \
      --skip-test-db >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "mariadb-install-db failed"; }
  fi
  touch "$log" && chown mysql:mysql "$log"
  say "mariadb: starting (data $data)"
  setsid nohup /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$data" \
    --bind-address=127.0.0.1 --port=3306 --socket="$data/mariadb.sock" --pid-file="$data/mariadb.pid" \
    --log-error="$log" --max-connections=300 --innodb-flush-log-at-trx-commit=2 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    </dev/null >>"$log" 2>&1 &
  wait_port 3306 mariadb "$log" $!
  mariadb --no-defaults -h 127.0.0.1 -P 3306 -u root -e 'CREATE DATABASE IF NOT EXISTS test' ||
    die "mariadb: cannot create database test as root@127.0.0.1"
}

ensure_redis() {
  if port_open 6379; then say "redis: already listening on 6379"; return; fi
  command -v redis-server >/dev/null 2>&1 || { say "redis: installing Debian's redis-server"; apt_install redis-server; }
  local log="$ROOT/redis.log"
  mkdir -p "$ROOT/redis"
  say "redis: starting"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --dir "$ROOT/redis" \
    --save '' --appendonly no --logfile "$log" --pidfile "$ROOT/redis.pid" ||
    die "redis-server did not start (log: $log)"
  wait_port 6379 redis "$log"
}

# The replica tests (e2e/src/shared-databases.ts) create their databases with the clients.
ensure_clients() {
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client
  command -v mariadb >/dev/null 2>&1 || apt_install mariadb-client
  command -v redis-cli >/dev/null 2>&1 || apt_install redis-tools
}

started_at=$SECONDS
ensure_postgres
ensure_mariadb
ensure_redis
ensure_clients
say "ready: postgresql :5432, mariadb :3306, redis :6379 ($((SECONDS - started_at))s)"
