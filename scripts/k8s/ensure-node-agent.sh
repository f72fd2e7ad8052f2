#!/usr/bin/env bash
# Makes sure the test node agent (packages/k8s-node-agent, a kubelet stand-in in TypeScript)
# runs against the control plane of ensure-control-plane.sh and its Node is Ready, for tests only.
#
# Idempotent and fast when done:
#   1. issue, once, the agent's kubelet serving certificate with openssl, signed by the test CA
#      (<dir>/pki/node-agent.{crt,key}; SANs 127.0.0.1, localhost and the node name);
#   2. build the package's dist/ when it is missing or older than its sources (tsc -b);
#   3. when the recorded agent process runs and its Node is Ready, leave everything alone;
#   4. otherwise start it in the background (pid recorded) and wait (bounded) until the Node is Ready.
#
# Environment:
#   CONTAINEROPS_SERVICES_DIR        files go under <dir>/k8s (default /var/lib/containerops-test-services)
#   CONTAINEROPS_K8S_NODE_NAME       the Node's name (default containerops-node)
#   CONTAINEROPS_K8S_KUBELET_PORT    the agent's kubelet API port (default 10250)
#   CONTAINEROPS_K8S_WAIT_SECONDS    how long to wait for the Node (default 60)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PACKAGE="$REPO/packages/k8s-node-agent"
ROOT="${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}/k8s"
NODE_NAME="${CONTAINEROPS_K8S_NODE_NAME:-containerops-node}"
PORT="${CONTAINEROPS_K8S_KUBELET_PORT:-10250}"
WAIT_SECONDS="${CONTAINEROPS_K8S_WAIT_SECONDS:-60}"
PKI="$ROOT/pki"
RUN="$ROOT/run"
LOGS="$ROOT/logs"
API="https://127.0.0.1:6443"

say() { printf '[ensure-node-agent] %s\n' "$*"; }
die() { printf '[ensure-node-agent] ERROR: %s\n' "$*" >&2; exit 1; }

[ -f "$PKI/ca.key" ] || die "no test CA at $PKI: run scripts/k8s/ensure-control-plane.sh first"
api() { curl -sS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"; }
[ "$(api "$API/readyz" 2>/dev/null)" = ok ] || die "the API server does not answer; run scripts/k8s/ensure-control-plane.sh"

running() { [ -f "$RUN/node-agent.pid" ] && kill -0 "$(cat "$RUN/node-agent.pid")" 2>/dev/null; }
node_ready() {
  api "$API/api/v1/nodes/$NODE_NAME" 2>/dev/null |
    node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{try{const n=JSON.parse(s);process.exit((n.status?.conditions??[]).some(c=>c.type==='Ready'&&c.status==='True')?0:1)}catch{process.exit(1)}})"
}

# 1. The kubelet serving certificate (the API server does not verify it today, since
#    ensure-control-plane.sh sets no --kubelet-certificate-authority, but a real one is cheap).
mkdir -p "$RUN" "$LOGS"
if [ ! -f "$PKI/node-agent.crt" ]; then
  openssl genrsa -out "$PKI/node-agent.key" 2048 2>/dev/null
  chmod 600 "$PKI/node-agent.key"
  openssl req -new -key "$PKI/node-agent.key" -subj "/O=system:nodes/CN=system:node:$NODE_NAME" \
    -out "$PKI/node-agent.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:$NODE_NAME" >"$PKI/node-agent.ext"
  openssl x509 -req -in "$PKI/node-agent.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/node-agent.ext" -out "$PKI/node-agent.crt" 2>/dev/null
  rm -f "$PKI/node-agent.csr" "$PKI/node-agent.ext"
  say "issued the kubelet serving certificate $PKI/node-agent.crt"
fi

stop_agent() {
  local pid
  pid="$(cat "$RUN/node-agent.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/node-agent.pid"
}

# 2. dist/ up to date with src/; a running agent of older sources is restarted (its pods'
#    containers keep running and the new agent takes them over).
if [ ! -f "$PACKAGE/dist/main.js" ] || [ -n "$(find "$PACKAGE/src" -name '*.ts' -newer "$PACKAGE/dist/main.js" -print -quit)" ]; then
  say "building packages/k8s-node-agent"
  (cd "$REPO" && npx tsc -b packages/k8s-node-agent)
  touch "$PACKAGE/dist/main.js"
  if running; then
    say "restarting the running agent (pid $(cat "$RUN/node-agent.pid")) on the new build"
    stop_agent
  fi
fi

# 3. Already running?
if running && node_ready; then
  say "node agent already runs (pid $(cat "$RUN/node-agent.pid")); Node $NODE_NAME is Ready"
  exit 0
fi

# 4. Start it. The Node may still look Ready from an agent that just stopped, so the wait is for
#    this agent's own "registered" line in the log as well.
log_lines=0
started=0
if ! running; then
  say "starting the node agent for Node $NODE_NAME (log $LOGS/node-agent.log)"
  touch "$LOGS/node-agent.log"
  log_lines="$(wc -l <"$LOGS/node-agent.log")"
  setsid node "$PACKAGE/bin/k8s-node-agent.js" --node-name "$NODE_NAME" --port "$PORT" \
    --kubeconfig "$ROOT/admin.kubeconfig" >>"$LOGS/node-agent.log" 2>&1 </dev/null &
  echo $! >"$RUN/node-agent.pid"
  started=1
fi
registered() { tail -n +"$((log_lines + 1))" "$LOGS/node-agent.log" | grep -q "node $NODE_NAME registered"; }
deadline=$((SECONDS + WAIT_SECONDS))
until { [ "$started" = 0 ] || registered; } && node_ready; do
  if ! running; then
    tail -n 30 "$LOGS/node-agent.log" >&2 || true
    die "the node agent exited while starting (log above: $LOGS/node-agent.log)"
  fi
  [ "$SECONDS" -lt "$deadline" ] || die "Node $NODE_NAME not Ready within ${WAIT_SECONDS}s (log: $LOGS/node-agent.log)"
  sleep 0.5
done
say "Node $NODE_NAME is Ready; kubelet API on https://127.0.0.1:$PORT"
