#!/usr/bin/env bash
# Everything the full test suite needs besides Node, installed from Debian's packages and started
# on loopback: a Docker engine with a single-node swarm and the locally built base images,
# PostgreSQL, MariaDB and Redis, and Chromium for the browser tests. Idempotent: what is already
# there and running is left alone, so it is cheap to run before every `npm test`.
# `npm run services` runs it; .ci/run runs it on every CI machine. Needs root (apt-get, dockerd).
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

step "database servers (PostgreSQL, MariaDB, Redis from Debian's packages, on loopback)"
bash scripts/ci/ensure-databases.sh
step "docker engine (dockerd + single-node swarm)"
bash scripts/docker/ensure-engine.sh
step "local base images (no registry is reachable here)"
bash scripts/docker/build-base-images.sh
step "chromium (browser tests of web/)"
bash scripts/ci/ensure-chromium.sh
