# shellcheck shell=bash
# Shared helpers for test/cluster/*.sh. Source it; it sources versions.env.
# Progress and errors go to stderr; only results go to stdout.

CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "${CLUSTER_DIR}/versions.env"

export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -buildvcs=false"
# sum.golang.org is not reachable from the build machines; modules come from the proxy only.
export GOSUMDB=off

RUN_DIR="${STATE_DIR}/run"      # pid files
LOG_DIR="${STATE_DIR}/logs"     # one log per component / build step
# shellcheck disable=SC2034  # used by the scripts sourcing this file
PKI_DIR="${STATE_DIR}/pki"
KUBECONFIG_ADMIN="${STATE_DIR}/kubeconfig/admin.kubeconfig"

CURRENT_STEP="(start)"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# step NAME: announce a step; failures after this name it.
step() {
  CURRENT_STEP="$1"
  log "==> ${CURRENT_STEP}"
}

# die MESSAGE [LOGFILE]: fail the current step, saying what was seen and where the log is.
die() {
  local msg="$1" logfile="${2:-}"
  {
    printf '\nFAILED in step: %s\n  seen: %s\n' "${CURRENT_STEP}" "${msg}"
    if [[ -n "${logfile}" ]]; then
      printf '  log:  %s\n  last lines of the log:\n' "${logfile}"
      tail -n 15 "${logfile}" 2>/dev/null | sed 's/^/    | /'
    fi
  } >&2
  exit 1
}

# Elapsed seconds since the given epoch, as "Nm Ss".
elapsed_since() {
  local s=$(( $(date +%s) - $1 ))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# run_logged LOGFILE CMD...: run a command with all its output in LOGFILE; die with the log on failure.
run_logged() {
  local logfile="$1"; shift
  mkdir -p "$(dirname "${logfile}")"
  if ! "$@" >>"${logfile}" 2>&1; then
    die "command failed: $*" "${logfile}"
  fi
}

# wait_until TIMEOUT_S DESCRIPTION LOGFILE CMD...: poll CMD every second until it succeeds.
wait_until() {
  local timeout="$1" what="$2" logfile="$3"; shift 3
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      die "timed out after ${timeout}s waiting for: ${what}" "${logfile}"
    fi
    sleep 1
  done
}

# ---------------------------------------------------------------- processes, by pid file only

pidfile() { echo "${RUN_DIR}/$1.pid"; }

# pid_of NAME: the recorded pid if that process is still alive, else nothing (status 1).
pid_of() {
  local f pid
  f=$(pidfile "$1")
  [[ -s "${f}" ]] || return 1
  pid=$(<"${f}")
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  proc_alive "${pid}" || return 1
  # guard against pid reuse: the recorded start time must match
  if [[ -s "${f}.start" ]] && [[ "$(proc_start_time "${pid}")" != "$(<"${f}.start")" ]]; then
    return 1
  fi
  echo "${pid}"
}

proc_start_time() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }

# proc_alive PID: the process exists and is not a zombie waiting for PID 1 to reap it
proc_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n "${state}" && "${state}" != Z ]]
}

is_running() { pid_of "$1" >/dev/null; }

# start_daemon NAME CMD...: start CMD in its own session, output in LOG_DIR/NAME.log, record its pid.
start_daemon() {
  local name="$1"; shift
  local logfile="${LOG_DIR}/${name}.log"
  mkdir -p "${RUN_DIR}" "${LOG_DIR}"
  if is_running "${name}"; then
    log "    ${name} already running (pid $(pid_of "${name}"))"
    return 0
  fi
  printf '\n===== %s starting %s\n%s\n' "$(date -Is)" "${name}" "$*" >>"${logfile}"
  setsid "$@" </dev/null >>"${logfile}" 2>&1 &
  local pid=$!
  echo "${pid}" >"$(pidfile "${name}")"
  # /proc/<pid>/stat is there as soon as fork returns
  proc_start_time "${pid}" >"$(pidfile "${name}").start"
  sleep 0.5
  if ! proc_alive "${pid}"; then
    die "${name} exited right after start" "${logfile}"
  fi
  log "    ${name} started (pid ${pid}, log ${logfile})"
}

# stop_daemon NAME [TIMEOUT_S]: SIGTERM the recorded pid, wait, then SIGKILL. Never by name.
stop_daemon() {
  local name="$1" timeout="${2:-20}" pid i
  if ! pid=$(pid_of "${name}"); then
    rm -f "$(pidfile "${name}")" "$(pidfile "${name}").start"
    return 0
  fi
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    proc_alive "${pid}" || break
    sleep 0.1
  done
  if proc_alive "${pid}"; then
    log "    ${name} (pid ${pid}) did not stop after ${timeout}s: SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pidfile "${name}")" "$(pidfile "${name}").start"
  log "    ${name} stopped (pid ${pid})"
}

# ---------------------------------------------------------------- cluster access

kc() { kubectl --kubeconfig "${KUBECONFIG_ADMIN}" "$@"; }

node_ip() {
  # the address of the interface holding the default route; else the first global address
  local ip
  ip=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") {print $(i + 1); exit}}')
  if [[ -z "${ip}" ]]; then
    ip=$(ip -4 -o addr show scope global | awk '{split($4, a, "/"); print a[1]; exit}')
  fi
  [[ -n "${ip}" ]] || return 1
  echo "${ip}"
}

# ---------------------------------------------------------------- cache layout, keyed by version

k8s_bin_dir()   { echo "${CACHE_ROOT}/kubernetes-${K8S_VERSION}/bin"; }
etcd_bin_dir()  { echo "${CACHE_ROOT}/etcd-${ETCD_VERSION}/bin"; }
kr_bin_dir()    { echo "${CACHE_ROOT}/kube-router-${KUBE_ROUTER_VERSION}-$(tr '[:upper:]' '[:lower:]' <<<"${KUBE_ROUTER_DENY_ACTION}")/bin"; }
image_dir()     { echo "${CACHE_ROOT}/images"; }
# image_tar IMAGE: the cached tar of an image, named after its full reference
image_tar()     { echo "$(image_dir)/$(echo "$1" | tr '/:' '__').tar"; }

# shellcheck disable=SC2034
K8S_COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

# the pid names, in start order
# shellcheck disable=SC2034
DAEMONS=(dockerd etcd containerd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kube-router)

# ---------------------------------------------------------------- kube-router firewall rules

# iptables chains and ipsets kube-router's network policy controller creates (pkg/controllers/netpol)
KR_CHAIN_RE='KUBE-ROUTER-(INPUT|FORWARD|OUTPUT)|KUBE-NWPLCY-|KUBE-POD-FW-'
KR_IPSET_RE='^(KUBE-SRC-|KUBE-DST-)'

# kube_router_rules: every filter-table line that belongs to kube-router (empty when none)
kube_router_rules() { iptables -w -t filter -S | grep -E -- "${KR_CHAIN_RE}" || true; }

# remove_kube_router_rules: what kube-router's NetworkPolicyController.Cleanup() does. Needed because in
# v2.1.0 neither SIGTERM nor `kube-router --cleanup-config` removes the firewall rules (the cleanup runs on
# an uninitialised controller and touches nothing).
remove_kube_router_rules() {
  local chain n
  # jumps from the built-in chains, highest rule number first
  for chain in INPUT FORWARD OUTPUT; do
    for n in $(iptables -w -t filter -L "${chain}" -n --line-numbers | awk -v re="${KR_CHAIN_RE}" 'NR > 2 && $2 ~ re {print $1}' | sort -rn); do
      iptables -w -t filter -D "${chain}" "${n}"
    done
  done
  local chains; chains=$(iptables -w -t filter -S | awk -v re="^(${KR_CHAIN_RE})" '$1 == "-N" && $2 ~ re {print $2}')
  for chain in ${chains}; do iptables -w -t filter -F "${chain}"; done
  for chain in ${chains}; do iptables -w -t filter -X "${chain}"; done
  local set
  for set in $(ipset list -n 2>/dev/null | grep -E "${KR_IPSET_RE}" || true); do
    ipset destroy "${set}" 2>/dev/null || log "    could not destroy ipset ${set} (still referenced?)"
  done
}

# remove_kube_chains: every KUBE-* chain (kubelet's, kube-proxy's, kube-router's; docker makes none) in
# the filter, nat and mangle tables of iptables and ip6tables, with the jumps to them. Used by down.sh
# after `kube-proxy --cleanup`, which leaves the canary and kubelet chains.
remove_kube_chains() {
  local ipt table chain n chains
  for ipt in iptables ip6tables; do
    command -v "${ipt}" >/dev/null || continue
    for table in filter nat mangle; do
      for chain in $("${ipt}" -w -t "${table}" -S | awk '$1 == "-P" {print $2}'); do
        for n in $("${ipt}" -w -t "${table}" -L "${chain}" -n --line-numbers | awk 'NR > 2 && $2 ~ /^KUBE-/ {print $1}' | sort -rn); do
          "${ipt}" -w -t "${table}" -D "${chain}" "${n}"
        done
      done
      chains=$("${ipt}" -w -t "${table}" -S | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}')
      for chain in ${chains}; do "${ipt}" -w -t "${table}" -F "${chain}"; done
      for chain in ${chains}; do "${ipt}" -w -t "${table}" -X "${chain}"; done
    done
  done
}

# write_if_changed FILE: write stdin to FILE only when the content differs (some components, e.g.
# kube-proxy, exit when their config file is rewritten, even with the same content)
write_if_changed() {
  local file="$1" tmp
  mkdir -p "$(dirname "${file}")"
  tmp=$(mktemp "${file}.XXXXXX")
  cat >"${tmp}"
  if [[ -f "${file}" ]] && cmp -s "${tmp}" "${file}"; then rm -f "${tmp}"; else mv "${tmp}" "${file}"; fi
}
