#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler and etcd from their Go modules
# (pinned in tools/k8s-control-plane/go.mod) into a cache outside the repository, keyed by version,
# so only a machine that has not built this exact version yet pays for the build.
#
# Prints the directory that holds the four binaries on its last line of stdout.
#
# Environment:
#   CONTAINEROPS_TOOLS_CACHE   cache root (default /var/cache/containerops-tools)
#   CONTAINEROPS_BUILD_LOG     where the go build output goes (default <cache>/logs/k8s-build.log)
#
# The build runs under `nice -n 19 ionice -c3`: it takes both cores for a long while, and the
# machine is shared with tests.
set -euo pipefail

K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.8
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODULE_DIR="$REPO_ROOT/tools/k8s-control-plane"
CACHE_ROOT="${CONTAINEROPS_TOOLS_CACHE:-/var/cache/containerops-tools}"
BIN_DIR="$CACHE_ROOT/k8s-$K8S_VERSION-etcd-$ETCD_VERSION"
BUILD_LOG="${CONTAINEROPS_BUILD_LOG:-$CACHE_ROOT/logs/k8s-build.log}"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler etcd)

say() { printf '[build-control-plane] %s\n' "$*" >&2; }
die() { printf '[build-control-plane] ERROR: %s\n' "$*" >&2; exit 1; }

all_built() {
  local b
  for b in "${BINARIES[@]}"; do [ -x "$BIN_DIR/$b" ] || return 1; done
}

if all_built; then
  echo "$BIN_DIR"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go is not on PATH"
mkdir -p "$CACHE_ROOT/logs"
# Build into a scratch directory and move the finished set into place, so an interrupted build
# never leaves a half-filled version directory that later runs would trust.
scratch="$(mktemp -d "$CACHE_ROOT/.k8s-build.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# The version strings the components report (/version, the User-Agent, node version skew checks);
# without them they say v0.0.0-master.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=36"
  ldflags+=" -X $pkg.gitTreeState=clean"
done

say "building Kubernetes $K8S_VERSION and etcd $ETCD_VERSION (log: $BUILD_LOG); this takes long"
started=$SECONDS
if ! (
  cd "$MODULE_DIR"
  CGO_ENABLED=0 nice -n 19 ionice -c3 go build -trimpath -ldflags "$ldflags" -o "$scratch/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    ./cmd/etcd
) >"$BUILD_LOG" 2>&1; then
  tail -n 40 "$BUILD_LOG" >&2
  die "go build failed after $((SECONDS - started)) s; full output in $BUILD_LOG"
fi

mkdir -p "$BIN_DIR"
for b in "${BINARIES[@]}"; do mv -f "$scratch/$b" "$BIN_DIR/$b"; done
say "built in $((SECONDS - started)) s into $BIN_DIR"
echo "$BIN_DIR"
