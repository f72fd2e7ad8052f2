#!/usr/bin/env bash
# Builds TiDB's tidb-server from its Go module (pinned in tools/tidb-server/go.mod) into a cache
# outside the repository, keyed by version, so only a machine that has not built this exact
# version yet pays for the build.
#
# Prints the path of the binary on its last line of stdout.
#
# Environment:
#   CONTAINEROPS_TOOLS_CACHE   cache root (default /var/cache/containerops-tools)
#   CONTAINEROPS_BUILD_LOG     where the go build output goes (default <cache>/logs/tidb-build.log)
#
# The build runs under `nice -n 19 ionice -c3`: it takes both cores for a long while, and the
# machine is shared with tests.
set -euo pipefail

TIDB_VERSION=v8.5.6
TIDB_COMMIT=ae18096e023780bb56bfce33698abec0d4640d0a
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODULE_DIR="$REPO_ROOT/tools/tidb-server"
CACHE_ROOT="${CONTAINEROPS_TOOLS_CACHE:-/var/cache/containerops-tools}"
BIN_DIR="$CACHE_ROOT/tidb-server-$TIDB_VERSION"
BIN="$BIN_DIR/tidb-server"
BUILD_LOG="${CONTAINEROPS_BUILD_LOG:-$CACHE_ROOT/logs/tidb-build.log}"

say() { printf '[build-tidb] %s\n' "$*" >&2; }
die() { printf '[build-tidb] ERROR: %s\n' "$*" >&2; exit 1; }

if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go is not on PATH"
command -v gcc >/dev/null 2>&1 || die "gcc is not on PATH (TiDB is built with cgo, as upstream does)"
mkdir -p "$CACHE_ROOT/logs"
# Build into a scratch file and rename it into place, so an interrupted build never leaves a
# binary that later runs would trust.
scratch="$(mktemp -d "$CACHE_ROOT/.tidb-build.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# What `SELECT tidb_version()` and the server's greeting report; upstream's Makefile sets the
# same variables from git, which a module build does not have.
ldflags="-s -w"
ldflags+=" -X github.com/pingcap/tidb/pkg/parser/mysql.TiDBReleaseVersion=$TIDB_VERSION"
ldflags+=" -X github.com/pingcap/tidb/pkg/util/versioninfo.TiDBGitHash=$TIDB_COMMIT"
ldflags+=" -X github.com/pingcap/tidb/pkg/util/versioninfo.TiDBGitBranch=module-build"

say "building tidb-server $TIDB_VERSION (log: $BUILD_LOG); this takes long"
started=$SECONDS
if ! (
  cd "$MODULE_DIR"
  CGO_ENABLED=1 nice -n 19 ionice -c3 go build -trimpath -ldflags "$ldflags" \
    -o "$scratch/tidb-server" github.com/pingcap/tidb/cmd/tidb-server
) >"$BUILD_LOG" 2>&1; then
  tail -n 40 "$BUILD_LOG" >&2
  die "go build failed after $((SECONDS - started)) s; full output in $BUILD_LOG"
fi

mkdir -p "$BIN_DIR"
mv -f "$scratch/tidb-server" "$BIN"
say "built in $((SECONDS - started)) s: $BIN"
echo "$BIN"
