#!/usr/bin/env bash
# The test Kubernetes cluster in one command: the control plane (ensure-control-plane.sh), then
# the node agent (ensure-node-agent.sh). Idempotent; afterwards
# KUBECONFIG=${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}/k8s/admin.kubeconfig
# and Pods run on the Node `containerops-node` (or $CONTAINEROPS_K8S_NODE_NAME).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/ensure-control-plane.sh"
bash "$HERE/ensure-node-agent.sh"
