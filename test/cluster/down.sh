#!/usr/bin/env bash
# Tear the netpol-e2e test cluster down (idempotent): stop every process up.sh started, by recorded pid;
# kill the pods' containers; unmount what containerd/kubelet mounted (all under the state dir); remove
# kube-router's and kube-proxy's iptables rules; remove the state dir. The build cache is kept.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DOWN_LOG="/tmp/netpol-e2e-cluster-down.log"   # the state dir (and its logs) is removed at the end

containerd_sock() { echo "${STATE_DIR}/containerd/containerd.sock"; }
ctr_k8s() { ctr --address "$(containerd_sock)" --namespace k8s.io "$@"; }

stop_enforcer() {
  step "stop the NetworkPolicy enforcer and remove its rules"
  stop_daemon kube-router 30
  remove_kube_router_rules
}

stop_node() {
  step "stop kube-proxy and kubelet"
  stop_daemon kube-proxy
  local kp; kp="$(k8s_bin_dir)/kube-proxy"
  if [[ -x "${kp}" ]]; then
    "${kp}" --cleanup >>"${DOWN_LOG}" 2>&1 || log "    kube-proxy --cleanup reported errors (see ${DOWN_LOG})"
  fi
  stop_daemon kubelet 30
  remove_kube_chains
}

# remove_pods: kill and delete every container task in containerd's k8s.io namespace (pods and sandboxes).
# The pods' network namespaces go with them, and with those the host ends of their veths and routes.
remove_pods() {
  step "remove pod containers"
  if ! is_running containerd; then log "    containerd not running"; return 0; fi
  local ids id i remaining
  ids=$(ctr_k8s tasks ls -q 2>>"${DOWN_LOG}" || true)
  for id in ${ids}; do ctr_k8s tasks kill --signal SIGKILL "${id}" >>"${DOWN_LOG}" 2>&1 || true; done
  # containerd's CRI deletes most exited tasks itself; delete whatever is still listed, for up to 20 s
  for ((i = 0; i < 100; i++)); do
    remaining=$(ctr_k8s tasks ls -q 2>>"${DOWN_LOG}" || true)
    [[ -n "${remaining}" ]] || break
    for id in ${remaining}; do ctr_k8s tasks delete "${id}" >>"${DOWN_LOG}" 2>&1 || true; done
    sleep 0.2
  done
  [[ -z "${remaining}" ]] || log "    container tasks still listed after 20 s: ${remaining}"
  log "    removed $(wc -w <<<"${ids}") container task(s)"
}

# shims of our containerd that outlived their task: containerd records each shim's pid in its task dir
leftover_shim_pids() {
  local f pid
  for f in "${STATE_DIR}"/containerd/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
    [[ -s "${f}" ]] || continue
    pid=$(<"${f}")
    [[ "${pid}" =~ ^[0-9]+$ ]] && proc_alive "${pid}" && echo "${pid}"
  done
  return 0
}

stop_leftover_shims() {
  local pid i
  for pid in $(leftover_shim_pids); do
    log "    stopping leftover shim pid ${pid}"
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do proc_alive "${pid}" || break; sleep 0.1; done
    kill -KILL "${pid}" 2>/dev/null || true
  done
}

stop_runtime() {
  step "stop containerd"
  stop_daemon containerd 30
  stop_leftover_shims
}

stop_control_plane() {
  step "stop control plane"
  stop_daemon kube-scheduler
  stop_daemon kube-controller-manager
  stop_daemon kube-apiserver
  stop_daemon etcd
}

stop_docker() {
  step "stop dockerd (only if up.sh started it)"
  if is_running dockerd; then stop_daemon dockerd 60
  else log "    not started by up.sh: left alone"; rm -f "$(pidfile dockerd)" "$(pidfile dockerd).start"; fi
}

# unmount_state: everything mounted below the state dir (netns, shm, container rootfs, kubelet volumes),
# deepest first
unmount_state() {
  step "unmount everything under ${STATE_DIR}"
  local mp n=0
  while read -r mp; do
    [[ -n "${mp}" ]] || continue
    umount "${mp}" 2>>"${DOWN_LOG}" || umount -l "${mp}" 2>>"${DOWN_LOG}" || log "    could not unmount ${mp}"
    n=$((n + 1))
  done < <(awk -v root="${STATE_DIR}/" 'index($2, root) == 1 {print $2}' /proc/self/mounts | sort -r)
  log "    unmounted ${n} mount(s)"
}

remove_cgroups() {
  step "remove kubelet's pod cgroups"
  local d
  for d in /sys/fs/cgroup/*/kubepods; do
    [[ -d "${d}" ]] || continue
    find "${d}" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

remove_state() {
  step "remove state ${STATE_DIR}"
  if awk -v root="${STATE_DIR}/" 'index($2, root) == 1 {found = 1} END {exit !found}' /proc/self/mounts; then
    die "mounts remain under ${STATE_DIR}; not removing it (see: grep ${STATE_DIR} /proc/self/mounts)"
  fi
  rm -rf --one-file-system "${STATE_DIR}"
}

verify() {
  step "verify nothing is left"
  local left=""
  [[ -z "$(kube_router_rules)" ]] || left+=" kube-router-iptables-rules"
  if iptables -w -S | grep -- '-N KUBE-' >/dev/null; then left+=" KUBE-iptables-chains"; fi
  local pid
  for pid in "${STARTED_PIDS[@]}"; do proc_alive "${pid}" && left+=" pid:${pid}"; done
  if awk -v root="${STATE_DIR}/" 'index($2, root) == 1 {found = 1} END {exit !found}' /proc/self/mounts; then left+=" mounts"; fi
  [[ -z "${left}" ]] || die "left behind:${left}" "${DOWN_LOG}"
  log "    clean"
}

main() {
  [[ ${EUID} -eq 0 ]] || die "down.sh must run as root"
  : >"${DOWN_LOG}"
  if [[ ! -d "${STATE_DIR}" ]]; then log "no state at ${STATE_DIR}: nothing to do"; exit 0; fi
  # every pid this cluster owns, to check at the end that none survived
  STARTED_PIDS=()
  local name pid
  for name in "${DAEMONS[@]}"; do pid=$(pid_of "${name}") && STARTED_PIDS+=("${pid}"); done
  for pid in $(leftover_shim_pids); do STARTED_PIDS+=("${pid}"); done
  stop_enforcer
  stop_node
  remove_pods
  stop_runtime
  stop_control_plane
  stop_docker
  unmount_state
  remove_cgroups
  remove_state
  verify
  log "cluster down"
}

main "$@"
