#!/usr/bin/env bash
# Stop / start / check the cluster's NetworkPolicy enforcer (kube-router, firewall only).
#   enforcer.sh stop    SIGTERM kube-router, remove its iptables rules and ipsets, verify none is left
#   enforcer.sh start   start it and wait until it is healthy and its chains filter pod traffic
#   enforcer.sh status  exit 0 when it runs, answers /healthz and its chains are hooked in
# Used by the smoke test proving that the harness notices a CNI that does not enforce policies.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KR_HEALTH_PORT=20244

kr_healthy() { curl -fsS "http://127.0.0.1:${KR_HEALTH_PORT}/healthz" >/dev/null; }
# kube-router's jump must be the FIRST rule of FORWARD: dockerd, when (re)started, inserts its own ACCEPT
# rules for docker0 at the top, which would let pod <-> docker-bridge traffic bypass the policies until
# kube-router's next sync moves its jump back to position 1
kr_hooked() { iptables -w -t filter -S FORWARD 1 | grep -- '-j KUBE-ROUTER-FORWARD' >/dev/null; }

start() {
  CURRENT_STEP="enforcer start (kube-router ${KUBE_ROUTER_VERSION})"
  local bin; bin="$(kr_bin_dir)/kube-router"
  [[ -x "${bin}" ]] || die "kube-router binary missing at ${bin}: run up.sh (it builds it)"
  [[ -s "${STATE_DIR}/kubeconfig/kube-router.kubeconfig" ]] || die "cluster not up (no kube-router kubeconfig): run up.sh"
  start_daemon kube-router "${bin}" --kubeconfig "${STATE_DIR}/kubeconfig/kube-router.kubeconfig" \
    --hostname-override "${NODE_NAME}" \
    --run-firewall=true --run-router=false --run-service-proxy=false --run-loadbalancer=false \
    --enable-cni=false --enable-ipv4=true --enable-ipv6=false \
    --service-cluster-ip-range "${SERVICE_CIDR}" \
    --iptables-sync-period 1m --health-port "${KR_HEALTH_PORT}" --metrics-port 0 --v=1
  wait_until 60 "kube-router /healthz on :${KR_HEALTH_PORT}" "${LOG_DIR}/kube-router.log" kr_healthy
  wait_until 60 "kube-router chain KUBE-ROUTER-FORWARD hooked in as rule 1 of FORWARD" "${LOG_DIR}/kube-router.log" kr_hooked
  log "    enforcer running (pid $(pid_of kube-router)) and hooked into FORWARD/INPUT/OUTPUT"
}

stop() {
  CURRENT_STEP="enforcer stop"
  stop_daemon kube-router 30
  remove_kube_router_rules
  local left; left=$(kube_router_rules)
  [[ -z "${left}" ]] || die "kube-router rules still present after cleanup: ${left}"
  log "    enforcer stopped; no kube-router chain or rule left in the filter table"
}

status() {
  local ok=0
  if is_running kube-router; then echo "kube-router: running (pid $(pid_of kube-router))"
  else echo "kube-router: NOT running"; ok=1; fi
  if kr_healthy; then echo "kube-router /healthz: ok"; else echo "kube-router /healthz: not answering"; ok=1; fi
  if kr_hooked; then echo "kube-router chains: hooked in as rule 1 of FORWARD"
  else echo "kube-router chains: NOT rule 1 of FORWARD (missing, or dockerd restarted after it: run up.sh)"; ok=1; fi
  return "${ok}"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
