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

# TiDB's pkg/util/hack reads the Go runtime's map internals (swiss tables) to account for memory,
# and refuses at start-up (a panic in init) on any Go whose runtime.Version() does not contain
# the one it was written for: go1.25 for v8.5.6. These machines have Go 1.26 and may fetch no
# other Go. Go 1.26's internal/runtime/maps (Map, table, groupsReference) and internal/abi
# (Type, MapType) have the same fields, types and order as TiDB's copies in that file (compared
# by hand against Go 1.26.8's sources), and TiDB's own later sources accept go1.26 with the same
# copies. So, for Go 1.26 only, the build swaps that one version string: in a hard-linked copy
# of the downloaded module inside the scratch directory (the module cache stays as downloaded,
# and `go build -overlay` may not touch it), used through a temporary -modfile with a replace
# line. Any other Go stops the build instead of guessing.
go_version="$(go env GOVERSION)"
build_args=()
case "$go_version" in
  go1.25 | go1.25.*) ;;
  go1.26 | go1.26.*)
    tidb_dir="$(cd "$MODULE_DIR" && go list -m -f '{{.Dir}}' github.com/pingcap/tidb)"
    [ -n "$tidb_dir" ] || die "could not locate github.com/pingcap/tidb in the module cache (go mod download in $MODULE_DIR)"
    src="$scratch/tidb-src"
    cp -al "$tidb_dir" "$src" 2>/dev/null || cp -a "$tidb_dir" "$src"
    find "$src" -type d -exec chmod u+w {} +
    abi_file="$src/pkg/util/hack/map_abi.go"
    sed 's/strings.Contains(runtime.Version(), `go1.25`)/strings.Contains(runtime.Version(), `go1.26`)/' \
      "$tidb_dir/pkg/util/hack/map_abi.go" >"$scratch/map_abi.go"
    grep -q 'runtime.Version(), `go1.26`' "$scratch/map_abi.go" ||
      die "the Go version check in TiDB's pkg/util/hack/map_abi.go is not the one this script knows; look at it again"
    rm -f "$abi_file" # a hard link into the module cache: replace it, never write through it
    cp "$scratch/map_abi.go" "$abi_file"
    cp "$MODULE_DIR/go.mod" "$scratch/go.mod"
    cp "$MODULE_DIR/go.sum" "$scratch/go.sum"
    printf '\nreplace github.com/pingcap/tidb => %s\n' "$src" >>"$scratch/go.mod"
    build_args=(-modfile "$scratch/go.mod")
    ;;
  *) die "tidb-server $TIDB_VERSION is known to run only on Go 1.25 or 1.26 (its map ABI check); this is $go_version" ;;
esac

say "building tidb-server $TIDB_VERSION with $go_version (log: $BUILD_LOG); this takes long"
started=$SECONDS
if ! (
  cd "$MODULE_DIR"
  CGO_ENABLED=1 nice -n 19 ionice -c3 go build -trimpath "${build_args[@]}" -ldflags "$ldflags" \
    -o "$scratch/tidb-server" github.com/pingcap/tidb/cmd/tidb-server
) >"$BUILD_LOG" 2>&1; then
  tail -n 40 "$BUILD_LOG" >&2
  die "go build failed after $((SECONDS - started)) s; full output in $BUILD_LOG"
fi
# `-V` runs every package's init (where the check above lives) and prints the version: a binary
# that cannot start never reaches the cache.
if ! "$scratch/tidb-server" -V >>"$BUILD_LOG" 2>&1; then
  tail -n 20 "$BUILD_LOG" >&2
  die "the built tidb-server does not start (tidb-server -V failed); output in $BUILD_LOG"
fi

mkdir -p "$BIN_DIR"
mv -f "$scratch/tidb-server" "$BIN"
say "built in $((SECONDS - started)) s: $BIN"
echo "$BIN"
