#!/usr/bin/env bash
# Makes sure a real Kubernetes control plane answers on https://127.0.0.1:6443, for tests only:
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler, built from their Go modules
# (tools/k8s-control-plane) and started as plain background processes. There is no node yet:
# Pods stay Pending until a node agent registers one.
#
# Idempotent and fast when done:
#   1. build the four binaries into the tools cache when they are not there yet
#      (scripts/k8s/build-control-plane.sh);
#   2. generate, once, with openssl: a CA, the API server's serving certificate, client
#      certificates for the admin, the controller-manager, the scheduler and the API server's
#      calls to kubelets, a service-account key pair, and a kubeconfig for each client;
#   3. when /readyz already answers with the admin certificate and the API server runs with
#      this script's flags, leave everything alone;
#   4. otherwise restart the API server if its flags changed, and start whatever of etcd,
#      kube-apiserver, kube-controller-manager and kube-scheduler is not running, each waited
#      for (bounded) before the next.
#
# Afterwards: KUBECONFIG=<dir>/admin.kubeconfig (user in group system:masters).
#
# Test-only settings, never for anything else: etcd on plain HTTP on loopback without fsync,
# everything bound to 127.0.0.1, no cloud provider, leader election off (one instance each).
#
# Environment:
#   CONTAINEROPS_SERVICES_DIR      files go under <dir>/k8s (default /var/lib/containerops-test-services)
#   CONTAINEROPS_K8S_WAIT_SECONDS  how long to wait for each component (default 180)
#   CONTAINEROPS_K8S_FRESH=1       delete etcd's data before starting (certificates are kept)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${CONTAINEROPS_SERVICES_DIR:-/var/lib/containerops-test-services}/k8s"
WAIT_SECONDS="${CONTAINEROPS_K8S_WAIT_SECONDS:-180}"
PKI="$ROOT/pki"
RUN="$ROOT/run"
LOGS="$ROOT/logs"
ETCD_DATA="$ROOT/etcd-data"
API_PORT=6443
ETCD_CLIENT_PORT=2379
ETCD_PEER_PORT=2380
API_URL="https://127.0.0.1:$API_PORT"
# Virtual addresses only: nothing routes them (no kube-proxy); the API server allocates Service
# IPs from this range and takes its first address for the `kubernetes` Service.
SERVICE_CIDR=10.96.0.0/16
SERVICE_FIRST_IP=10.96.0.1

say() { printf '[ensure-control-plane] %s\n' "$*"; }
die() { printf '[ensure-control-plane] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in openssl curl setsid; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done

admin_curl() {
  curl -sS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"
}
api_ready() { [ -f "$PKI/admin.crt" ] && [ "$(admin_curl "$API_URL/readyz" 2>/dev/null)" = ok ]; }

running() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# Certificates and kubeconfigs (generated once; the CA stays, so kubeconfigs stay valid)

new_key() { openssl genrsa -out "$1" 2048 2>/dev/null; chmod 600 "$1"; }

# issue NAME SUBJECT EXTENSIONS: a certificate signed by the test CA.
issue() {
  local name=$1 subject=$2 ext=$3
  [ -f "$PKI/$name.crt" ] && return 0
  new_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

# kubeconfig NAME CERT: a kubeconfig with everything embedded, so it can be copied anywhere.
kubeconfig() {
  local name=$1 cert=$2 file="$ROOT/$1.kubeconfig"
  [ -f "$file" ] && return 0
  cat >"$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: containerops-test
  cluster:
    server: $API_URL
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$cert.crt")
    client-key-data: $(base64 -w0 "$PKI/$cert.key")
contexts:
- name: $name@containerops-test
  context:
    cluster: containerops-test
    user: $name
current-context: $name@containerops-test
KUBECONFIG
  chmod 600 "$file"
}

ensure_pki() {
  mkdir -p "$PKI" "$RUN" "$LOGS"
  chmod 700 "$PKI"
  if [ ! -f "$PKI/ca.crt" ]; then
    new_key "$PKI/ca.key"
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=containerops-test-ca" -days 3650 \
      -sha256 -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" -out "$PKI/ca.crt" 2>/dev/null
  fi
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  issue apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$SERVICE_FIRST_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  issue admin "/O=system:masters/CN=containerops-admin" "$client"
  issue controller-manager "/CN=system:kube-controller-manager" "$client"
  issue scheduler "/CN=system:kube-scheduler" "$client"
  # The API server's identity towards kubelets (pods/log, exec): the node agent checks it.
  issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  if [ ! -f "$PKI/sa.key" ]; then
    new_key "$PKI/sa.key"
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  kubeconfig admin admin
  kubeconfig controller-manager controller-manager
  kubeconfig scheduler scheduler
}

# ---------------------------------------------------------------------------------------------
# Processes

# start NAME BINARY ARGS...: in the background, detached from this shell, pid recorded.
start() {
  local name=$1
  shift
  say "starting $name (log $LOGS/$name.log)"
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# wait_for NAME CHECK...: until CHECK succeeds, failing fast when NAME's process exits.
wait_for() {
  local name=$1 deadline=$((SECONDS + WAIT_SECONDS))
  shift
  until "$@" >/dev/null 2>&1; do
    if ! running "$name"; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name exited while starting (log above: $LOGS/$name.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name did not become ready within ${WAIT_SECONDS}s (log: $LOGS/$name.log)"
    fi
    sleep 0.5
  done
}

etcd_healthy() { curl -fsS --max-time 3 "http://127.0.0.1:$ETCD_CLIENT_PORT/health" | grep -q '"health":"true"'; }
component_healthy() { [ "$(curl -sk --max-time 3 "https://127.0.0.1:$1/healthz")" = ok ]; }

# --endpoint-reconciler-type=none: the `kubernetes` Service's endpoints would name the advertise
# address, and an Endpoints object may not hold a loopback address.
# PodLogsQuerySplitStreams (alpha, off by default in v1.36): `pods/log?stream=Stdout|Stderr`, which
# the node agent serves, so that clients can tell a container's stdout from its stderr.
APISERVER_ARGS=(
  --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT"
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT"
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key"
  --client-ca-file "$PKI/ca.crt"
  --service-account-issuer https://kubernetes.default.svc.cluster.local
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key"
  --service-cluster-ip-range "$SERVICE_CIDR"
  --authorization-mode "Node,RBAC"
  --enable-admission-plugins NodeRestriction
  --allow-privileged=true
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt"
  --kubelet-client-key "$PKI/apiserver-kubelet-client.key"
  --kubelet-preferred-address-types "InternalIP,Hostname"
  --endpoint-reconciler-type none
  --feature-gates PodLogsQuerySplitStreams=true
  --profiling=false
)
# The flags a running API server was started with (recorded at start): a change restarts it.
apiserver_current() { [ -f "$RUN/kube-apiserver.args" ] && [ "$(cat "$RUN/kube-apiserver.args")" = "${APISERVER_ARGS[*]}" ]; }

# stop_process NAME: SIGTERM by the recorded pid, SIGKILL after 30 s.
stop_process() {
  local pid
  pid="$(cat "$RUN/$1.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$1.pid"
}

ensure_pki
if api_ready && apiserver_current && running kube-controller-manager && running kube-scheduler; then
  say "control plane already answers on $API_URL (KUBECONFIG=$ROOT/admin.kubeconfig)"
  exit 0
fi

BIN_DIR="$(bash "$HERE/build-control-plane.sh" | tail -n 1)"
[ -x "$BIN_DIR/kube-apiserver" ] || die "build-control-plane.sh did not produce the binaries"

if ! running etcd; then
  if [ "${CONTAINEROPS_K8S_FRESH:-0}" = 1 ]; then rm -rf "$ETCD_DATA"; fi
  mkdir -p "$ETCD_DATA"
  chmod 700 "$ETCD_DATA"
  start etcd "$BIN_DIR/etcd" --name containerops-test --data-dir "$ETCD_DATA" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "containerops-test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level warn
fi
wait_for etcd etcd_healthy

if running kube-apiserver && ! apiserver_current; then
  say "restarting kube-apiserver: its flags changed since it was started"
  stop_process kube-apiserver
fi
if ! running kube-apiserver; then
  printf '%s' "${APISERVER_ARGS[*]}" >"$RUN/kube-apiserver.args"
  start kube-apiserver "$BIN_DIR/kube-apiserver" "${APISERVER_ARGS[@]}"
fi
wait_for kube-apiserver api_ready

# --authentication-skip-lookup on both: their own HTTPS endpoints would otherwise look for a
# front-proxy CA in kube-system/extension-apiserver-authentication, which this control plane
# (no aggregated API servers) does not configure, and log an error every few seconds.
if ! running kube-controller-manager; then
  start kube-controller-manager "$BIN_DIR/kube-controller-manager" \
    --kubeconfig "$ROOT/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$ROOT/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$ROOT/controller-manager.kubeconfig" \
    --authentication-skip-lookup \
    --bind-address 127.0.0.1 --secure-port 10257 \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --leader-elect=false --profiling=false
fi
if ! running kube-scheduler; then
  start kube-scheduler "$BIN_DIR/kube-scheduler" \
    --kubeconfig "$ROOT/scheduler.kubeconfig" \
    --authentication-kubeconfig "$ROOT/scheduler.kubeconfig" \
    --authorization-kubeconfig "$ROOT/scheduler.kubeconfig" \
    --authentication-skip-lookup \
    --bind-address 127.0.0.1 --secure-port 10259 \
    --leader-elect=false --profiling=false
fi
wait_for kube-controller-manager component_healthy 10257
wait_for kube-scheduler component_healthy 10259

say "control plane ready on $API_URL: KUBECONFIG=$ROOT/admin.kubeconfig"
