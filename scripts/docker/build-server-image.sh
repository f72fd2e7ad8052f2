#!/usr/bin/env bash
# Builds the server image (containerops/server:0.1.0) from the repository's Dockerfile WITHOUT
# network: Docker here runs with --bridge=none and no registry is reachable, so instead of the
# Dockerfile's networked build stage (node:20 image, `npm ci`, `npm run build`), this host builds,
# stages the result (scripts/docker/stage-server.sh) and hands Docker a context holding only
# `.staged/`, with the locally built containerops/debian:bookworm
# (scripts/docker/build-base-images.sh) as both base images. The Dockerfile's build stage sees
# `.staged/` and uses it instead of building.
#
#   bash scripts/docker/build-server-image.sh [--skip-build] [--tag IMAGE]
#
# --skip-build: use the dist/ folders and web/dist as they are (no `npm run build`).
set -euo pipefail

say() { printf '[server-image] %s\n' "$*"; }
die() { printf '[server-image] ERROR: %s\n' "$*" >&2; exit 1; }

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TAG=containerops/server:0.1.0
BASE=containerops/debian:bookworm
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) BUILD=0 ;;
    --tag) TAG="$2"; shift ;;
    *) die "unknown option $1" ;;
  esac
  shift
done

docker image inspect "$BASE" >/dev/null 2>&1 ||
  die "$BASE missing: bash scripts/docker/build-base-images.sh"
if [ "$BUILD" -eq 1 ]; then
  say "npm run build"
  (cd "$ROOT" && npm run build)
fi

CONTEXT="$(mktemp -d "${TMPDIR:-/tmp}/containerops-server-image.XXXXXX")"
trap 'rm -rf "$CONTEXT"' EXIT
bash "$ROOT/scripts/docker/stage-server.sh" "$CONTEXT/.staged"
cp "$ROOT/Dockerfile" "$CONTEXT/Dockerfile"

start=$SECONDS
docker build --network none \
  --build-arg "BUILD_IMAGE=$BASE" --build-arg "RUNTIME_IMAGE=$BASE" \
  -t "$TAG" "$CONTEXT"
# The classic builder keeps the build stage (~700 MB) as an untagged image: remove ours only.
mapfile -t stage_images < <(docker images -q --filter dangling=true \
  --filter label=org.containerops.stage=server-build)
[ "${#stage_images[@]}" -eq 0 ] || docker rmi "${stage_images[@]}" >/dev/null || true
say "built $TAG in $((SECONDS - start))s: $(docker image inspect "$TAG" --format '{{.Size}}' | awk '{printf "%.0f MB", $1 / 1e6}')"
