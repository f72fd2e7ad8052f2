#!/usr/bin/env bash
# Builds the image of every library component (components/library/*/) with
# `containerops component build`. Up-to-date images (same content hash label) are skipped, so a
# second run takes seconds.
#
#   bash scripts/components/build-all.sh [--force] [DIR...]
#
# Needs a Docker engine and the base images (scripts/docker/ensure-engine.sh, then
# scripts/docker/build-base-images.sh). RUN steps use the host's network (CONTAINEROPS_BUILD_NETWORK,
# default "host"): the engine here has no bridge network, and apt-get inside the builds reaches the
# Debian mirror that the base image's sources.list names (the one the host's apt uses).
set -euo pipefail
cd "$(dirname "$0")/../.."

network="${CONTAINEROPS_BUILD_NETWORK:-host}"
force=()
dirs=()
for arg in "$@"; do
  case "$arg" in
  --force) force=(--force) ;;
  -h | --help)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) dirs+=("$arg") ;;
  esac
done
if [ "${#dirs[@]}" -eq 0 ]; then
  for dir in components/library/*/; do dirs+=("${dir%/}"); done
fi

# The bin runs the compiled CLI: bring dist/ up to date first (incremental, fast when unchanged).
node node_modules/typescript/bin/tsc -b packages/cli
start=$SECONDS
node packages/cli/bin/containerops.js component build --network "$network" "${force[@]}" "${dirs[@]}"
printf '[components] %d component(s) in %ss\n' "${#dirs[@]}" "$((SECONDS - start))"
