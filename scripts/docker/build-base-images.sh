#!/usr/bin/env bash
# Builds the local base images the tests and examples use. No registry is reachable here, so
# nothing is pulled: both images are made from Debian packages and `docker import`ed.
#
#   containerops/busybox:latest   /bin/busybox (busybox-static) + applet symlinks, /tmp, /workspace,
#                                 /etc/passwd, /etc/group; CMD ["sh"]
#   containerops/debian:bookworm  `debootstrap --variant=minbase bookworm`; CMD ["bash"]
#   containerops/component-base   the Debian image + components/base/contract.sh, the contract
#                                 helpers every library component sources
#
# Idempotent: an image that already exists is skipped (component-base: when its label carries
# the hash of components/base/ and of the Debian image it was built on). The debootstrap tarball is cached under
# CONTAINEROPS_CACHE_DIR (default /var/cache/containerops), so rebuilding the image after
# `docker image rm` does not download again.
#
# The debootstrap mirror is the one apt on this machine already uses (read from
# /etc/apt/sources.list and /etc/apt/sources.list.d/*); CONTAINEROPS_DEBIAN_MIRROR overrides it.
# Needs a running engine (scripts/docker/ensure-engine.sh) and root for apt-get/debootstrap.
set -euo pipefail

CACHE_DIR="${CONTAINEROPS_CACHE_DIR:-/var/cache/containerops}"
BUSYBOX_IMAGE=containerops/busybox:latest
DEBIAN_IMAGE=containerops/debian:bookworm
COMPONENT_BASE_IMAGE=containerops/component-base:latest
COMPONENT_BASE_DIR="$(cd "$(dirname "$0")/../../components/base" && pwd)"
SUITE=bookworm

say() { printf '[base-images] %s\n' "$*"; }
die() { printf '[base-images] ERROR: %s\n' "$*" >&2; exit 1; }
# Runs a named step and prints how long it took.
timed() {
  local name="$1" start=$SECONDS
  shift
  "$@"
  say "$name: $((SECONDS - start))s"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    die "must run as root (or with sudo) to $*"
  fi
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

APT_UPDATED=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"
    APT_UPDATED=1
  fi
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    die "apt-get install $* failed"
}

# Prints the first Debian mirror apt uses for the main suite: a deb822 stanza (*.sources) whose
# Suites include "$SUITE", or a one-line `deb [options] URI $SUITE ...` entry (*.list).
debian_mirror() {
  if [ -n "${CONTAINEROPS_DEBIAN_MIRROR:-}" ]; then
    echo "$CONTAINEROPS_DEBIAN_MIRROR"
    return
  fi
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  awk -v suite="$SUITE" '
    function flush() {
      if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "" && !found) {
        split(uris, u, " "); print u[1]; found = 1
      }
      types = ""; suites = ""; uris = ""
    }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[[:space:]]*$/) { flush(); next }
      if ($0 ~ /^Types:/)  { types = $0;  sub(/^Types:[[:space:]]*/, "", types) }
      if ($0 ~ /^Suites:/) { suites = $0; sub(/^Suites:[[:space:]]*/, "", suites) }
      if ($0 ~ /^URIs:/)   { uris = $0;   sub(/^URIs:[[:space:]]*/, "", uris) }
      next
    }
    FNR == 1 { flush() }
    /^[[:space:]]*deb[[:space:]]/ && !found {
      line = $0; sub(/^[[:space:]]*deb[[:space:]]+/, "", line)
      if (line ~ /^\[/) sub(/^\[[^]]*\][[:space:]]*/, "", line)
      n = split(line, w, /[[:space:]]+/)
      if (n >= 2 && w[2] == suite) { print w[1]; found = 1 }
    }
    END { flush() }
  ' "${files[@]}"
}

build_busybox() {
  # busybox-static conflicts with (and replaces) the dynamically linked busybox package.
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
    apt_install busybox-static
  local bb=/bin/busybox root
  [ -x "$bb" ] || die "$bb missing after installing busybox-static"
  root="$(mktemp -d)"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,workspace,root,co}
  chmod 1777 "$root/tmp"
  chmod 0777 "$root/workspace" "$root/co"
  cp "$bb" "$root/bin/busybox"
  # --install -s writes absolute symlinks under /, so it runs inside the rootfs.
  as_root chroot "$root" /bin/busybox --install -s || { rm -rf "$root"; die "busybox --install failed"; }
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  local rc=0
  tar -C "$root" --numeric-owner -c . | docker import \
    --change 'CMD ["sh"]' \
    --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'WORKDIR /workspace' \
    --message 'containerops busybox base image (busybox-static)' \
    - "$BUSYBOX_IMAGE" >/dev/null || rc=$?
  rm -rf "$root"
  [ "$rc" -eq 0 ] || die "docker import of $BUSYBOX_IMAGE failed (exit $rc)"
}

debootstrap_tarball() {
  local tarball="$CACHE_DIR/debian-$SUITE-minbase.tar"
  if [ -s "$tarball" ]; then
    say "debootstrap: cached $tarball"
    return
  fi
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  local mirror
  mirror="$(debian_mirror)"
  [ -n "$mirror" ] || die "no Debian mirror for '$SUITE' in /etc/apt/sources.list{,.d/*}; set CONTAINEROPS_DEBIAN_MIRROR"
  say "debootstrap --variant=minbase $SUITE from the mirror apt uses"
  as_root mkdir -p "$CACHE_DIR"
  local root
  root="$(as_root mktemp -d "$CACHE_DIR/rootfs.XXXXXX")"
  local log="$CACHE_DIR/debootstrap.log"
  if ! as_root debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$log" 2>&1; then
    tail -n 20 "$log" >&2 || true
    [ -f "$root/debootstrap/debootstrap.log" ] && tail -n 20 "$root/debootstrap/debootstrap.log" >&2
    as_root rm -rf "$root"
    die "debootstrap failed (output above; full log in $log)"
  fi
  # apt caches and lists only make the image bigger; the image has its own sources.list.
  as_root rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  as_root mkdir -p "$root/workspace" "$root/co"
  as_root chmod 0777 "$root/workspace" "$root/co"
  as_root tar --numeric-owner -C "$root" -cf "$tarball.partial" .
  as_root mv "$tarball.partial" "$tarball"
  as_root rm -rf "$root"
}

build_debian() {
  local tarball="$CACHE_DIR/debian-$SUITE-minbase.tar"
  timed "debootstrap tarball" debootstrap_tarball
  docker import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'WORKDIR /workspace' \
    --message "containerops debian $SUITE minbase (debootstrap)" \
    "$tarball" "$DEBIAN_IMAGE" >/dev/null
}

# Hash of the component base's folder and of the Debian image under it: a change to either
# rebuilds it (and, through the components' own content hashes, the components on it).
component_base_hash() {
  { (cd "$COMPONENT_BASE_DIR" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    docker image inspect --format '{{.Id}}' "$DEBIAN_IMAGE"; } | sha256sum | cut -d' ' -f1
}

build_component_base() {
  docker build -q --network none --label "containerops.base.hash=$1" \
    -t "$COMPONENT_BASE_IMAGE" "$COMPONENT_BASE_DIR" >/dev/null ||
    die "docker build of $COMPONENT_BASE_IMAGE failed"
}

timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/docker/ensure-engine.sh first"
total_start=$SECONDS

if image_exists "$BUSYBOX_IMAGE"; then
  say "$BUSYBOX_IMAGE: exists, skipped"
else
  timed "$BUSYBOX_IMAGE" build_busybox
fi

if image_exists "$DEBIAN_IMAGE"; then
  say "$DEBIAN_IMAGE: exists, skipped"
else
  timed "$DEBIAN_IMAGE" build_debian
fi

base_hash="$(component_base_hash)"
if [ "$(docker image inspect --format '{{index .Config.Labels "containerops.base.hash"}}' "$COMPONENT_BASE_IMAGE" 2>/dev/null)" = "$base_hash" ]; then
  say "$COMPONENT_BASE_IMAGE: up to date, skipped"
else
  timed "$COMPONENT_BASE_IMAGE" build_component_base "$base_hash"
fi

say "done ($((SECONDS - total_start))s)"
