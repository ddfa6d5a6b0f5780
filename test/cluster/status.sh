#!/usr/bin/env bash
# What runs and what is healthy in the netpol-e2e test cluster. Exit 0 only when every component runs and
# the API server, the node, CoreDNS and the NetworkPolicy enforcer are healthy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

UNHEALTHY=0

# check LABEL CMD...: one line "LABEL: ok" or "LABEL: FAILED"
check() {
  local label="$1"; shift
  if "$@" >/dev/null 2>&1; then printf '  %-34s ok\n' "${label}"
  else printf '  %-34s FAILED\n' "${label}"; UNHEALTHY=1; fi
}

processes() {
  echo "processes (pid files in ${RUN_DIR}, logs in ${LOG_DIR}):"
  local name pid
  for name in "${DAEMONS[@]}"; do
    if pid=$(pid_of "${name}"); then
      printf '  %-24s pid %-8s alive\n' "${name}" "${pid}"
    elif [[ "${name}" == dockerd ]]; then
      if docker info >/dev/null 2>&1; then printf '  %-24s %s\n' dockerd "running, not started by up.sh"
      else printf '  %-24s %s\n' dockerd "not running (only needed to build images and for external targets)"; fi
    elif [[ -e "$(pidfile "${name}")" ]]; then
      printf '  %-24s pid %-8s DEAD\n' "${name}" "$(<"$(pidfile "${name}")")"; UNHEALTHY=1
    else
      printf '  %-24s not started\n' "${name}"; UNHEALTHY=1
    fi
  done
}

apiserver_ready() { kc get --raw /readyz; }
node_ready() { [[ "$(kc get node "${NODE_NAME}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]; }
coredns_ready() { [[ "$(kc -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}')" == 1 ]]; }
etcd_healthy() { curl -fsS "http://127.0.0.1:${ETCD_CLIENT_PORT}/health" | grep '"health":"true"' >/dev/null; }
kube_proxy_healthy() { curl -fsS http://127.0.0.1:10256/healthz; }
kubelet_healthy() { curl -fsS http://127.0.0.1:10248/healthz; }
enforcer_healthy() { "${CLUSTER_DIR}/enforcer.sh" status; }

main() {
  if [[ ! -d "${STATE_DIR}" ]]; then
    echo "no cluster: ${STATE_DIR} does not exist (run test/cluster/up.sh)"
    exit 1
  fi
  processes
  echo "health:"
  check "etcd /health" etcd_healthy
  check "kube-apiserver /readyz" apiserver_ready
  check "kubelet /healthz" kubelet_healthy
  check "node ${NODE_NAME} Ready" node_ready
  check "kube-proxy /healthz" kube_proxy_healthy
  check "CoreDNS ready (kube-system)" coredns_ready
  check "enforcer kube-router alive+hooked" enforcer_healthy
  # informational: without the alias, `netpol-e2e run` needs --probe-image ${PROBE_IMAGE} (up.sh adds it)
  if ctr --address "${STATE_DIR}/containerd/containerd.sock" --namespace k8s.io images ls -q 2>/dev/null | grep -xF "${DEFAULT_PROBE_IMAGE}" >/dev/null; then
    printf '  %-34s ok\n' "probe image as ${DEFAULT_PROBE_IMAGE##*/}"
  else
    printf '  %-34s missing (re-run up.sh)\n' "probe image as ${DEFAULT_PROBE_IMAGE##*/}"
  fi
  echo "KUBECONFIG=${KUBECONFIG_ADMIN}"
  if ((UNHEALTHY)); then echo "UNHEALTHY"; exit 1; fi
  echo "healthy"
}

main "$@"
