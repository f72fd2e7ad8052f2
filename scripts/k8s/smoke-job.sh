#!/usr/bin/env bash
# Checks the control plane from ensure-control-plane.sh end to end with plain HTTPS calls (no
# kubectl): creates a namespace and a batch/v1 Job, waits (bounded) until the real Job
# controller has created the Job's Pod and the real scheduler has looked at it, prints what it
# saw, and deletes the namespace. With no node registered the Pod stays Pending and the
# scheduler says why; once a node agent runs, the same Job would run to completion.
#
# Exit 0 when the Pod was created; non-zero with the reason otherwise.
#
# Environment: CONTAINEROPS_SERVICES_DIR (as ensure-control-plane.sh),
#   CONTAINEROPS_K8S_SMOKE_KEEP=1 keeps the namespace for a look afterwards.
set -euo pipefail

ROOT="${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}/k8s"
PKI="$ROOT/pki"
API="https://127.0.0.1:6443"
NS="containerops-smoke-$(date +%s)"
WAIT_SECONDS=60

say() { printf '[smoke-job] %s\n' "$*"; }
die() { printf '[smoke-job] ERROR: %s\n' "$*" >&2; exit 1; }

api() {
  local method=$1 path=$2
  shift 2
  curl -sS --max-time 10 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    -X "$method" -H 'Content-Type: application/json' "$@" "$API$path"
}
# json EXPR: evaluates EXPR against the JSON document on stdin (bound to `d`).
json() { node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const d=JSON.parse(s);console.log($1)})"; }

[ "$(api GET /readyz)" = ok ] || die "the API server does not answer /readyz; run scripts/k8s/ensure-control-plane.sh"
say "server version: $(api GET /version | json 'd.gitVersion')"

api POST /api/v1/namespaces -d "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$NS\"}}" |
  json '"namespace " + d.metadata.name + " created"'
cleanup() {
  if [ "${CONTAINEROPS_K8S_SMOKE_KEEP:-0}" != 1 ]; then
    api DELETE "/api/v1/namespaces/$NS" -o /dev/null && say "namespace $NS deleted"
  fi
}
trap cleanup EXIT

api POST "/apis/batch/v1/namespaces/$NS/jobs" -d '{
  "apiVersion": "batch/v1", "kind": "Job",
  "metadata": {"name": "smoke"},
  "spec": {
    "backoffLimit": 0, "activeDeadlineSeconds": 600, "ttlSecondsAfterFinished": 60,
    "template": {"spec": {
      "restartPolicy": "Never",
      "containers": [{"name": "main", "image": "containerops/busybox:latest",
                      "command": ["sh", "-c", "echo hello from the smoke job"]}]
    }}
  }
}' | json '"job " + d.metadata.name + " created, uid " + d.metadata.uid'

deadline=$((SECONDS + WAIT_SECONDS))
while :; do
  pods="$(api GET "/api/v1/namespaces/$NS/pods?labelSelector=batch.kubernetes.io/job-name%3Dsmoke")"
  summary="$(printf '%s' "$pods" | json 'd.items.map(p => { const c = (p.status.conditions||[]).find(c => c.type === "PodScheduled"); return p.metadata.name + " phase=" + p.status.phase + (c ? " PodScheduled=" + c.status + " reason=" + c.reason + " message=\"" + c.message + "\"" : ""); }).join("\n")')"
  if printf '%s' "$summary" | grep -q 'PodScheduled='; then break; fi
  [ "$SECONDS" -lt "$deadline" ] || die "no scheduled-or-refused Pod for the Job within ${WAIT_SECONDS}s (pods: ${summary:-none})"
  sleep 1
done
say "the Job controller created: $summary"
api GET "/apis/batch/v1/namespaces/$NS/jobs/smoke" | json '"job status: " + JSON.stringify(d.status)'
