#!/usr/bin/env bash
# Everything the full test suite needs besides Node, installed from Debian's packages and started
# on loopback: a Docker engine with a single-node swarm and the locally built base images,
# PostgreSQL, MariaDB and Redis, TiDB (built from its Go module), a Kubernetes control plane (built
# from Go modules) with the test node agent, and Chromium for the browser tests. Idempotent: what
# is already there and running is left alone, so it is cheap to run before every `npm test`.
# `npm run services` runs it; .ci/run runs it on every CI machine. Needs root (apt-get, dockerd).
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

step "database servers (PostgreSQL, MariaDB, Redis from Debian's packages, on loopback)"
bash scripts/ci/ensure-databases.sh
# Built from its Go module into a cache outside the repo the first time (about 17 min on 2 cores,
# see scripts/README.md), then started in under 2 s: the TiDB log store and state tests need it.
step "TiDB (tidb-server -store unistore on 127.0.0.1:4000)"
bash scripts/tidb/ensure-tidb.sh
step "docker engine (dockerd + single-node swarm)"
bash scripts/docker/ensure-engine.sh
step "local base images (no registry is reachable here)"
bash scripts/docker/build-base-images.sh
# Built from Go modules into a cache outside the repo the first time (about 13 min on 2 cores, see
# scripts/README.md), then started in about 20 s with the node agent, which needs the engine and
# the base images above: the Kubernetes orchestrator and node agent tests need it.
step "kubernetes test cluster (control plane on 127.0.0.1:6443 + node agent, Node containerops-node)"
bash scripts/k8s/ensure-cluster.sh
# The server image the Kubernetes deploy tests run as a Pod (e2e/tests/k8s-deploy-*): staged from
# the dist/ folders `npm install` built (no network in Docker builds here). Rebuilt on every run,
# about 50 s, so it never lags behind the code; run `npm run build` first after changing the server.
step "server image (containerops/server:0.1.0, from the built dist/)"
if [ -f packages/server/dist/index.js ] && [ -f web/dist/index.html ]; then
  bash scripts/docker/build-server-image.sh --skip-build
else
  # Not fatal: the other services are still worth having. The image tests then say what is missing.
  echo "skipped: packages/server/dist or web/dist is missing; run npm install (it builds them), then this again"
fi
step "chromium (browser tests of web/)"
bash scripts/ci/ensure-chromium.sh
