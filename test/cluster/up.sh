#!/usr/bin/env bash
# Bring up the single-node netpol-e2e test cluster (idempotent). Builds what is missing (cached by version
# outside the work tree), starts every component as a host process (CoreDNS as a pod), waits until it is
# healthy, and prints `KUBECONFIG=<path>` as the last line of stdout. Progress goes to stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "${CLUSTER_DIR}/build.sh"
source "${CLUSTER_DIR}/images.sh"

UP_STARTED=$(date +%s)
NODE_IP=${NODE_IP:-}

# ---------------------------------------------------------------- host

preflight() {
  step "preflight"
  [[ ${EUID} -eq 0 ]] || die "up.sh must run as root (it starts containerd, kubelet and edits iptables)"
  [[ -d /sys/fs/cgroup/memory ]] || die "expected cgroup v1 hierarchies under /sys/fs/cgroup (none for memory)"
  command -v go >/dev/null || die "go is not on PATH"
  command -v kubectl >/dev/null || die "kubectl is not on PATH"
  NODE_IP=${NODE_IP:-$(node_ip)} || die "could not determine the node IP (set NODE_IP=...)"
  log "    node ip ${NODE_IP}, state ${STATE_DIR}, cache ${CACHE_ROOT}"
}

# ensure_packages: Debian packages the cluster needs (installed only when missing; services not started)
ensure_packages() {
  step "debian packages"
  local -A need=(
    [containerd]=containerd [runc]=runc [/usr/lib/cni/ptp]=containernetworking-plugins [dockerd]=docker.io
    [debootstrap]=debootstrap [ipset]=ipset [conntrack]=conntrack [iptables]=iptables [openssl]=openssl
    [gcc]=gcc [curl]=curl [ip]=iproute2 [nft]=nftables
  )
  local missing=() c
  for c in "${!need[@]}"; do
    if [[ "${c}" == /* ]]; then [[ -e "${c}" ]] || missing+=("${need[${c}]}")
    else command -v "${c}" >/dev/null || missing+=("${need[${c}]}"); fi
  done
  if ((${#missing[@]} == 0)); then log "    all present"; return 0; fi
  local logfile="${CACHE_ROOT}/logs/apt.log" t0; t0=$(date +%s)
  mkdir -p "$(dirname "${logfile}")"
  log "    installing: ${missing[*]} (log ${logfile})"
  # keep the packages' init scripts from starting services: this script starts what it needs itself
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e "${policy}" ]]; then printf '#!/bin/sh\nexit 101\n' >"${policy}"; chmod +x "${policy}"; own_policy=1; fi
  run_logged "${logfile}" apt-get update
  DEBIAN_FRONTEND=noninteractive run_logged "${logfile}" apt-get install -y --no-install-recommends "${missing[@]}" libc6-dev
  ((own_policy)) && rm -f "${policy}"
  log "    installed in $(elapsed_since "${t0}")"
}

host_prep() {
  step "host networking prerequisites"
  sysctl -qw net.ipv4.ip_forward=1
  if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then
    sysctl -qw net.bridge.bridge-nf-call-iptables=1
  fi
  mkdir -p "${STATE_DIR}" "${RUN_DIR}" "${LOG_DIR}" "${PKI_DIR}" "$(dirname "${KUBECONFIG_ADMIN}")"
  echo "${CACHE_ROOT}" >"${STATE_DIR}/cache-root"
}

# dockerd builds the images (docker import) and runs the live runner's external targets. Started only if
# no dockerd answers; the cluster itself does not need it once the images are imported.
ensure_dockerd() {
  step "dockerd"
  if docker info >/dev/null 2>&1; then
    if is_running dockerd; then log "    dockerd running (started by up.sh, pid $(pid_of dockerd))"
    else log "    a dockerd not started by up.sh is running: using it"; fi
  else
    start_daemon dockerd dockerd --host=unix:///var/run/docker.sock
    wait_until 60 "docker info answers" "${LOG_DIR}/dockerd.log" docker info
  fi
  # dockerd sets FORWARD's policy to DROP, which would look exactly like a NetworkPolicy deny for pod traffic
  iptables -w -P FORWARD ACCEPT
  log "    iptables FORWARD policy: ACCEPT; docker bridge $(docker network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}' 2>/dev/null || echo '?')"
}

# ---------------------------------------------------------------- certificates and kubeconfigs

# new_key FILE: an EC P-256 key
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign_cert NAME SUBJECT EXT: key + certificate NAME.{key,crt} signed by the cluster CA
sign_cert() {
  local name="$1" subj="$2" ext="$3"
  new_key "${PKI_DIR}/${name}.key"
  openssl req -new -key "${PKI_DIR}/${name}.key" -subj "${subj}" -out "${PKI_DIR}/${name}.csr" 2>/dev/null
  printf '%s\n' "${ext}" >"${PKI_DIR}/${name}.ext"
  openssl x509 -req -in "${PKI_DIR}/${name}.csr" -CA "${PKI_DIR}/ca.crt" -CAkey "${PKI_DIR}/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "${PKI_DIR}/${name}.ext" -out "${PKI_DIR}/${name}.crt" 2>/dev/null
  rm -f "${PKI_DIR}/${name}.csr" "${PKI_DIR}/${name}.ext"
}

client_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth'

# write_kubeconfig NAME: kubeconfig for client certificate NAME
write_kubeconfig() {
  local name="$1" out="${STATE_DIR}/kubeconfig/$1.kubeconfig"
  local k=(kubectl --kubeconfig "${out}")
  "${k[@]}" config set-cluster "${CLUSTER_NAME}" --server "https://127.0.0.1:${APISERVER_PORT}" \
    --certificate-authority "${PKI_DIR}/ca.crt" --embed-certs=true >/dev/null
  "${k[@]}" config set-credentials "${name}" --client-certificate "${PKI_DIR}/${name}.crt" \
    --client-key "${PKI_DIR}/${name}.key" --embed-certs=true >/dev/null
  "${k[@]}" config set-context "${CLUSTER_NAME}" --cluster "${CLUSTER_NAME}" --user "${name}" >/dev/null
  "${k[@]}" config use-context "${CLUSTER_NAME}" >/dev/null
  chmod 0600 "${out}"
}

make_pki() {
  step "certificates and kubeconfigs"
  if [[ -s "${PKI_DIR}/ca.crt" && -s "${KUBECONFIG_ADMIN}" && "$(cat "${PKI_DIR}/node-ip" 2>/dev/null)" == "${NODE_IP}" ]]; then
    log "    present in ${PKI_DIR}"; return 0
  fi
  new_key "${PKI_DIR}/ca.key"
  openssl req -x509 -new -key "${PKI_DIR}/ca.key" -subj "/CN=${CLUSTER_NAME}-ca" -days 3650 -sha256 \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature' \
    -out "${PKI_DIR}/ca.crt" 2>/dev/null
  new_key "${PKI_DIR}/sa.key"
  openssl pkey -in "${PKI_DIR}/sa.key" -pubout -out "${PKI_DIR}/sa.pub" 2>/dev/null
  sign_cert apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.${CLUSTER_DOMAIN},DNS:localhost,DNS:${NODE_NAME},IP:127.0.0.1,IP:${KUBERNETES_SVC_IP},IP:${NODE_IP}"
  sign_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "${client_ext}"
  sign_cert admin "/O=system:masters/CN=${CLUSTER_NAME}-admin" "${client_ext}"
  sign_cert kube-controller-manager "/CN=system:kube-controller-manager" "${client_ext}"
  sign_cert kube-scheduler "/CN=system:kube-scheduler" "${client_ext}"
  sign_cert kubelet "/O=system:nodes/CN=system:node:${NODE_NAME}" "${client_ext}"
  sign_cert kube-proxy "/CN=system:kube-proxy" "${client_ext}"
  sign_cert kube-router "/CN=netpol-e2e:kube-router" "${client_ext}"
  local n
  for n in admin kube-controller-manager kube-scheduler kubelet kube-proxy kube-router; do write_kubeconfig "${n}"; done
  echo "${NODE_IP}" >"${PKI_DIR}/node-ip"
  log "    CA and client certificates in ${PKI_DIR}"
}

# ---------------------------------------------------------------- control plane

start_etcd() {
  step "etcd ${ETCD_VERSION}"
  start_daemon etcd "$(etcd_bin_dir)/etcd" --name "${CLUSTER_NAME}" --data-dir "${STATE_DIR}/etcd" \
    --listen-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORT}" \
    --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster "${CLUSTER_NAME}=http://127.0.0.1:${ETCD_PEER_PORT}" --unsafe-no-fsync=true --log-level=warn
  wait_until 60 "etcd /health" "${LOG_DIR}/etcd.log" etcd_healthy
}
etcd_healthy() { curl -fsS "http://127.0.0.1:${ETCD_CLIENT_PORT}/health" | grep '"health":"true"' >/dev/null; }

start_apiserver() {
  step "kube-apiserver ${K8S_VERSION}"
  start_daemon kube-apiserver "$(k8s_bin_dir)/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:${ETCD_CLIENT_PORT}" \
    --advertise-address "${NODE_IP}" --bind-address 0.0.0.0 --secure-port "${APISERVER_PORT}" \
    --service-cluster-ip-range "${SERVICE_CIDR}" \
    --client-ca-file "${PKI_DIR}/ca.crt" \
    --tls-cert-file "${PKI_DIR}/apiserver.crt" --tls-private-key-file "${PKI_DIR}/apiserver.key" \
    --kubelet-client-certificate "${PKI_DIR}/apiserver-kubelet-client.crt" \
    --kubelet-client-key "${PKI_DIR}/apiserver-kubelet-client.key" \
    --service-account-issuer "https://kubernetes.default.svc.${CLUSTER_DOMAIN}" \
    --service-account-key-file "${PKI_DIR}/sa.pub" --service-account-signing-key-file "${PKI_DIR}/sa.key" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --allow-privileged=true --profiling=false --v=1
  wait_until 120 "kube-apiserver /readyz" "${LOG_DIR}/kube-apiserver.log" kc get --raw /readyz
}

start_controllers() {
  step "kube-controller-manager, kube-scheduler, RBAC for kube-router"
  start_daemon kube-controller-manager "$(k8s_bin_dir)/kube-controller-manager" \
    --kubeconfig "${STATE_DIR}/kubeconfig/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "${STATE_DIR}/kubeconfig/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "${STATE_DIR}/kubeconfig/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file "${PKI_DIR}/sa.key" --root-ca-file "${PKI_DIR}/ca.crt" \
    --allocate-node-cidrs=true --cluster-cidr "${POD_CIDR}" --node-cidr-mask-size "${NODE_CIDR_MASK}" \
    --service-cluster-ip-range "${SERVICE_CIDR}" --cluster-name "${CLUSTER_NAME}" \
    --controllers '*,-cloud-node-lifecycle' --v=1
  start_daemon kube-scheduler "$(k8s_bin_dir)/kube-scheduler" \
    --kubeconfig "${STATE_DIR}/kubeconfig/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "${STATE_DIR}/kubeconfig/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "${STATE_DIR}/kubeconfig/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --v=1
  run_logged "${LOG_DIR}/kubectl-apply.log" kc apply -f "${CLUSTER_DIR}/manifests/kube-router-rbac.yaml"
}

# ---------------------------------------------------------------- node

containerd_sock() { echo "${STATE_DIR}/containerd/containerd.sock"; }
ctr_k8s() { ctr --address "$(containerd_sock)" --namespace k8s.io "$@"; }

write_containerd_config() {
  local d="${STATE_DIR}/containerd"
  mkdir -p "${d}" "${STATE_DIR}/cni/net.d"
  write_if_changed "${d}/config.toml" <<EOF
# generated by test/cluster/up.sh
version = 2
root = "${d}/root"
state = "${d}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = "$(containerd_sock)"

[ttrpc]
  address = "${d}/containerd.sock.ttrpc"

[debug]
  address = "${d}/debug.sock"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  netns_mounts_under_state_dir = true
  # this machine's root lacks CAP_SYS_RESOURCE, so runc cannot set the sandbox's oom_score_adj of -998
  # ("failed to update /proc/self/oom_score_adj: Permission denied"); clamp to containerd's own score
  restrict_oom_score_adj = true
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${d}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${STATE_DIR}/cni/net.d"
EOF
}

start_containerd() {
  step "containerd $(containerd --version | awk '{print $3}') (cgroupfs, sandbox image ${PAUSE_IMAGE})"
  write_containerd_config
  start_daemon containerd containerd --config "${STATE_DIR}/containerd/config.toml"
  wait_until 60 "containerd answers on $(containerd_sock)" "${LOG_DIR}/containerd.log" ctr_k8s version
}

import_images() {
  step "import images into containerd (k8s.io namespace)"
  local img tar have
  have=$(ctr_k8s images ls -q)
  for img in "${PAUSE_IMAGE}" "${COREDNS_IMAGE}" "${PROBE_IMAGE}"; do
    if grep -qxF "${img}" <<<"${have}"; then log "    ${img}: present"; continue; fi
    tar=$(image_tar "${img}")
    [[ -s "${tar}" ]] || die "image tar ${tar} missing (build step did not produce it)"
    run_logged "${LOG_DIR}/image-import.log" ctr_k8s images import --no-unpack=false "${tar}"
    have=$(ctr_k8s images ls -q)
    grep -qxF "${img}" <<<"${have}" || die "${img} not listed after importing ${tar}" "${LOG_DIR}/image-import.log"
    log "    ${img}: imported"
  done
  # the live runner starts external targets on docker's bridge from the probe image
  if docker info >/dev/null 2>&1 && ! docker image inspect "${PROBE_IMAGE}" >/dev/null 2>&1; then
    run_logged "${LOG_DIR}/image-import.log" docker load -i "$(image_tar "${PROBE_IMAGE}")"
    log "    ${PROBE_IMAGE}: loaded into docker"
  fi
  alias_default_probe_image
}

# alias_default_probe_image: the probe image also under netpol-e2e's default name (DEFAULT_PROBE_IMAGE), in
# containerd (for pods; imagePullPolicy IfNotPresent finds it, nothing is pulled) and in docker (external
# targets). Idempotent: re-tags only when the alias is missing or points at another image.
alias_default_probe_image() {
  local want have
  want=$(ctr_k8s images ls "name==${PROBE_IMAGE}" | awk 'NR == 2 {print $3}')
  have=$(ctr_k8s images ls "name==${DEFAULT_PROBE_IMAGE}" | awk 'NR == 2 {print $3}')
  [[ -n "${want}" ]] || die "${PROBE_IMAGE} is not in containerd, so it cannot be tagged ${DEFAULT_PROBE_IMAGE}"
  if [[ "${have}" == "${want}" ]]; then
    log "    ${DEFAULT_PROBE_IMAGE}: alias of ${PROBE_IMAGE} present"
  else
    run_logged "${LOG_DIR}/image-import.log" ctr_k8s images tag --force "${PROBE_IMAGE}" "${DEFAULT_PROBE_IMAGE}"
    log "    ${DEFAULT_PROBE_IMAGE}: tagged as an alias of ${PROBE_IMAGE} (containerd)"
  fi
  if docker info >/dev/null 2>&1; then
    want=$(docker image inspect -f '{{.Id}}' "${PROBE_IMAGE}")
    have=$(docker image inspect -f '{{.Id}}' "${DEFAULT_PROBE_IMAGE}" 2>/dev/null || true)
    if [[ "${have}" != "${want}" ]]; then
      run_logged "${LOG_DIR}/image-import.log" docker tag "${PROBE_IMAGE}" "${DEFAULT_PROBE_IMAGE}"
      log "    ${DEFAULT_PROBE_IMAGE}: tagged as an alias of ${PROBE_IMAGE} (docker)"
    fi
  fi
}

start_kubelet() {
  step "kubelet ${K8S_VERSION}"
  local d="${STATE_DIR}/kubelet-config"
  mkdir -p "${d}" "${STATE_DIR}/kubelet"
  write_if_changed "${d}/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "${PKI_DIR}/ca.crt"}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
containerRuntimeEndpoint: "unix://$(containerd_sock)"
clusterDNS: ["${DNS_SVC_IP}"]
clusterDomain: "${CLUSTER_DOMAIN}"
failSwapOn: false
address: "${NODE_IP}"
healthzBindAddress: 127.0.0.1
healthzPort: 10248
serializeImagePulls: false
# images are imported, never pulled: keep image GC and disk eviction from removing them
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
EOF
  start_daemon kubelet "$(k8s_bin_dir)/kubelet" --config "${d}/kubelet.yaml" \
    --kubeconfig "${STATE_DIR}/kubeconfig/kubelet.kubeconfig" \
    --hostname-override "${NODE_NAME}" --node-ip "${NODE_IP}" --root-dir "${STATE_DIR}/kubelet" --v=1
  wait_until 120 "node ${NODE_NAME} registered" "${LOG_DIR}/kubelet.log" kc get node "${NODE_NAME}"
}

# The pod network: ptp veths routed by the host (no bridge, no NAT), addresses from the node's podCIDR
# allocated by the controller-manager.
write_cni_config() {
  step "pod network (CNI ptp + host-local on the node's podCIDR)"
  wait_until 60 "node ${NODE_NAME} has a podCIDR" "${LOG_DIR}/kube-controller-manager.log" node_pod_cidr
  local cidr; cidr=$(node_pod_cidr)
  write_if_changed "${STATE_DIR}/cni/net.d/10-netpol-e2e.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "${CLUSTER_NAME}",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "${cidr}"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "${STATE_DIR}/cni/ipam"
      }
    }
  ]
}
EOF
  log "    pod CIDR of ${NODE_NAME}: ${cidr}"
  wait_until 120 "node ${NODE_NAME} Ready" "${LOG_DIR}/kubelet.log" node_ready
}
node_pod_cidr() { local c; c=$(kc get node "${NODE_NAME}" -o jsonpath='{.spec.podCIDR}'); [[ -n "${c}" ]] && echo "${c}"; }
node_ready() { [[ "$(kc get node "${NODE_NAME}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]; }

start_kube_proxy() {
  step "kube-proxy ${K8S_VERSION} (iptables mode)"
  write_if_changed "${STATE_DIR}/kubelet-config/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "${STATE_DIR}/kubeconfig/kube-proxy.kubeconfig"}
mode: iptables
clusterCIDR: "${POD_CIDR}"
hostnameOverride: "${NODE_NAME}"
healthzBindAddress: "127.0.0.1:10256"
metricsBindAddress: "127.0.0.1:10249"
conntrack: {maxPerCore: 0}
EOF
  start_daemon kube-proxy "$(k8s_bin_dir)/kube-proxy" --config "${STATE_DIR}/kubelet-config/kube-proxy.yaml" --v=1
  wait_until 60 "kube-proxy /healthz" "${LOG_DIR}/kube-proxy.log" curl -fsS http://127.0.0.1:10256/healthz
}

start_enforcer() {
  step "NetworkPolicy enforcer: kube-router ${KUBE_ROUTER_VERSION} (firewall only, denied traffic: ${KUBE_ROUTER_DENY_ACTION})"
  if is_running kube-router && ! "${CLUSTER_DIR}/enforcer.sh" status >/dev/null 2>&1; then
    log "    kube-router runs but is not healthy or not rule 1 of FORWARD (dockerd restarted?): restarting it"
    "${CLUSTER_DIR}/enforcer.sh" stop
  fi
  "${CLUSTER_DIR}/enforcer.sh" start
}

deploy_coredns() {
  step "CoreDNS ${COREDNS_VERSION} (pod in kube-system, Service kube-dns ${DNS_SVC_IP})"
  sed -e "s|@COREDNS_IMAGE@|${COREDNS_IMAGE}|g" -e "s|@DNS_SVC_IP@|${DNS_SVC_IP}|g" \
    -e "s|@CLUSTER_DOMAIN@|${CLUSTER_DOMAIN}|g" "${CLUSTER_DIR}/manifests/coredns.yaml" \
    | run_logged "${LOG_DIR}/kubectl-apply.log" kc apply -f -
  wait_until 180 "CoreDNS deployment ready (kubectl -n kube-system get pods -l k8s-app=kube-dns)" \
    "${LOG_DIR}/kubelet.log" coredns_ready
}
coredns_ready() {
  [[ "$(kc -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}')" == 1 ]]
}

main() {
  preflight
  ensure_packages
  host_prep
  ensure_dockerd
  step "build (cached by version under ${CACHE_ROOT})"
  build_binaries
  build_images
  if ((COLD_BUILD)); then log "COLD: had to build; build steps took $(elapsed_since "${UP_STARTED}") so far"
  else log "    everything cached (warm)"; fi
  make_pki
  start_etcd
  start_apiserver
  start_controllers
  start_containerd
  import_images
  start_kubelet
  write_cni_config
  start_kube_proxy
  start_enforcer
  deploy_coredns
  log "cluster up in $(elapsed_since "${UP_STARTED}")$( ((COLD_BUILD)) && echo ' (cold: included building)')"
  echo "KUBECONFIG=${KUBECONFIG_ADMIN}"
}

main "$@"
