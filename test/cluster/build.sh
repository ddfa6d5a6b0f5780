#!/usr/bin/env bash
# Build (only what is missing) every binary and image the local cluster needs, into the cache
# keyed by version (see versions.env). Called by up.sh; can be run on its own.
#   build.sh [all|binaries|images]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD_LOG_DIR="${CACHE_ROOT}/logs"
COLD_BUILD=0   # set to 1 as soon as anything had to be built

# begin_build NAME: announce a (cold) build step and remember when it began
begin_build() {
  COLD_BUILD=1
  step "build: $1 (missing from cache: building, this is the slow cold path)"
  BUILD_STARTED=$(date +%s)
}
end_build() { log "    built $1 in $(elapsed_since "${BUILD_STARTED}")"; }

go_ldflags_k8s() {
  local info commit date
  info=$(go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/.*"Info": "\(.*\)".*/\1/p')
  commit=$(sed -n 's/.*"Hash": *"\([0-9a-f]*\)".*/\1/p' "${info}" | head -n1)
  date=$(sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' "${info}" | head -n1)
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
    flags+=" -X ${pkg}.gitCommit=${commit} -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${date:-1970-01-01T00:00:00Z}"
  done
  echo "${flags}"
}

# k8s_wrapper_gomod DIR: a throw-away module requiring k8s.io/kubernetes, with every staging module of
# the release's own go.mod replaced by its published version.
k8s_wrapper_gomod() {
  local dir="$1" gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f "${gomod}" ]] || die "could not download k8s.io/kubernetes@${K8S_VERSION} from the module proxy"
  {
    echo "module netpol-e2e.local/k8s-build"
    echo
    echo "go 1.23.0"
    echo
    echo "require k8s.io/kubernetes ${K8S_VERSION}"
    echo
    echo "replace ("
    # lines like:  k8s.io/api => ./staging/src/k8s.io/api
    awk -v def="${K8S_STAGING_VERSION}" -v overrides="${K8S_STAGING_OVERRIDES:-}" '
      BEGIN { n = split(overrides, o, " "); for (i = 1; i <= n; i++) { split(o[i], kv, "="); ver[kv[1]] = kv[2] } }
      $2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, ($1 in ver) ? ver[$1] : def }
    ' "${gomod}"
    echo ")"
  } >"${dir}/go.mod"
  grep -q 'k8s.io/client-go =>' "${dir}/go.mod" || die "no staging replaces found in ${gomod}"
}

build_kubernetes() {
  local bin; bin=$(k8s_bin_dir)
  local want=("${K8S_COMPONENTS[@]}" agnhost) missing=0 b
  for b in "${want[@]}"; do [[ -x "${bin}/${b}" ]] || missing=1; done
  ((missing)) || { log "    kubernetes ${K8S_VERSION} binaries: cached in ${bin}"; return 0; }
  begin_build "kubernetes ${K8S_VERSION} (${want[*]}; about 5 min cold on 2 cores here)"
  local src="${CACHE_ROOT}/kubernetes-${K8S_VERSION}/src" logfile="${BUILD_LOG_DIR}/kubernetes-${K8S_VERSION}.log"
  mkdir -p "${src}" "${bin}.tmp" "${BUILD_LOG_DIR}"
  k8s_wrapper_gomod "${src}"
  local ldflags; ldflags=$(go_ldflags_k8s)
  log "    go build log: ${logfile}"
  (
    cd "${src}"
    run_logged "${logfile}" env CGO_ENABLED=0 go build -trimpath -ldflags "${ldflags}" -o "${bin}.tmp/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy
    # agnhost reports the version of its upstream image (test/images/agnhost/VERSION), as its Makefile does
    local agnhost_version; agnhost_version=$(<"$(go list -m -f '{{.Dir}}' k8s.io/kubernetes)/test/images/agnhost/VERSION")
    run_logged "${logfile}" env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.Version=${agnhost_version}" \
      -o "${bin}.tmp/agnhost" k8s.io/kubernetes/test/images/agnhost
  )
  rm -rf "${bin}"; mv "${bin}.tmp" "${bin}"
  "${bin}/kube-apiserver" --version >&2
  end_build "kubernetes ${K8S_VERSION}"
}

# simple_wrapper DIR MODULE VERSION: a module that only requires MODULE@VERSION
simple_wrapper() {
  local dir="$1" mod="$2" ver="$3"
  mkdir -p "${dir}"
  printf 'module netpol-e2e.local/build\n\ngo 1.23.0\n\nrequire %s %s\n' "${mod}" "${ver}" >"${dir}/go.mod"
}

build_etcd() {
  local bin; bin=$(etcd_bin_dir)
  [[ -x "${bin}/etcd" ]] && { log "    etcd ${ETCD_VERSION}: cached in ${bin}"; return 0; }
  begin_build "etcd ${ETCD_VERSION}"
  local src="${CACHE_ROOT}/etcd-${ETCD_VERSION}/src" logfile="${BUILD_LOG_DIR}/etcd-${ETCD_VERSION}.log"
  simple_wrapper "${src}" go.etcd.io/etcd/server/v3 "${ETCD_VERSION}"
  # the etcd command of the root module go.etcd.io/etcd/v3 is exactly this (it cannot be built from the
  # proxy directly: that module replaces its submodules with local paths)
  cat >"${src}/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  mkdir -p "${bin}"
  (
    cd "${src}"
    run_logged "${logfile}" go mod tidy
    run_logged "${logfile}" env CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w" -o "${bin}/etcd.tmp" .
  )
  mv "${bin}/etcd.tmp" "${bin}/etcd"
  end_build "etcd ${ETCD_VERSION}"
}

# patch_kube_router_drop DIR: in kube-router's pod firewall chain, DROP instead of REJECT what no policy
# allows (one rule in pkg/controllers/netpol/pod.go); fails if the source does not look as expected
patch_kube_router_drop() {
  local f="$1/pkg/controllers/netpol/pod.go"
  [[ "$(grep -c -F '"-j", "REJECT", "\n"}' "${f}")" == 1 ]] || die "unexpected kube-router source: no single REJECT rule in ${f}"
  sed -i -e 's/"-j", "REJECT", "\\n"}/"-j", "DROP", "\\n"}/' \
    -e 's/"\\"rule to REJECT traffic destined for POD/"\\"rule to DROP (netpol-e2e patch) traffic destined for POD/' "${f}"
  if grep -q -F '"-j", "REJECT"' "${f}" || ! grep -q -F 'DROP (netpol-e2e patch)' "${f}"; then
    die "patching ${f} to DROP failed"
  fi
}

build_kube_router() {
  local bin; bin=$(kr_bin_dir)
  local what="kube-router ${KUBE_ROUTER_VERSION} (deny action ${KUBE_ROUTER_DENY_ACTION})"
  [[ -x "${bin}/kube-router" ]] && { log "    ${what}: cached in ${bin}"; return 0; }
  begin_build "${what}"
  local src; src="$(dirname "${bin}")/src"
  local logfile; logfile="${BUILD_LOG_DIR}/$(basename "$(dirname "${bin}")").log"
  rm -rf "${src}"
  simple_wrapper "${src}" github.com/cloudnativelabs/kube-router/v2 "${KUBE_ROUTER_VERSION}"
  case "${KUBE_ROUTER_DENY_ACTION}" in
    REJECT) ;;
    DROP)
      local upstream
      upstream=$(cd "${src}" && go mod download -json "github.com/cloudnativelabs/kube-router/v2@${KUBE_ROUTER_VERSION}" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
      [[ -d "${upstream}" ]] || die "could not download kube-router ${KUBE_ROUTER_VERSION} from the module proxy"
      cp -r "${upstream}" "${src}/kube-router"
      chmod -R u+w "${src}/kube-router"
      patch_kube_router_drop "${src}/kube-router"
      printf '\nreplace github.com/cloudnativelabs/kube-router/v2 => ./kube-router\n' >>"${src}/go.mod"
      ;;
    *) die "KUBE_ROUTER_DENY_ACTION must be DROP or REJECT, not ${KUBE_ROUTER_DENY_ACTION}" ;;
  esac
  mkdir -p "${bin}"
  local vpkg=github.com/cloudnativelabs/kube-router/v2/pkg/version
  (
    cd "${src}"
    run_logged "${logfile}" env CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X ${vpkg}.Version=${KUBE_ROUTER_VERSION}-netpol-e2e-$(tr '[:upper:]' '[:lower:]' <<<"${KUBE_ROUTER_DENY_ACTION}") -X ${vpkg}.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      -o "${bin}/kube-router.tmp" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
  )
  mv "${bin}/kube-router.tmp" "${bin}/kube-router"
  end_build "${what}"
}

coredns_bin() { echo "${CACHE_ROOT}/coredns-${COREDNS_VERSION}/bin/coredns"; }

build_coredns() {
  local out; out=$(coredns_bin)
  [[ -x "${out}" ]] && { log "    coredns ${COREDNS_VERSION}: cached in ${out}"; return 0; }
  begin_build "coredns ${COREDNS_VERSION}"
  local src="${CACHE_ROOT}/coredns-${COREDNS_VERSION}/src" logfile="${BUILD_LOG_DIR}/coredns-${COREDNS_VERSION}.log"
  simple_wrapper "${src}" github.com/coredns/coredns "${COREDNS_VERSION}"
  mkdir -p "$(dirname "${out}")"
  (
    cd "${src}"
    run_logged "${logfile}" env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "${out}.tmp" github.com/coredns/coredns
  )
  mv "${out}.tmp" "${out}"
  end_build "coredns ${COREDNS_VERSION}"
}

build_binaries() {
  build_etcd
  build_kube_router
  build_coredns
  build_kubernetes
}

main() {
  local what="${1:-all}" t0; t0=$(date +%s)
  case "${what}" in
    binaries) build_binaries ;;
    images) source "${CLUSTER_DIR}/images.sh"; build_images ;;
    all) build_binaries; source "${CLUSTER_DIR}/images.sh"; build_images ;;
    *) die "usage: build.sh [all|binaries|images]" ;;
  esac
  if ((COLD_BUILD)); then
    log "COLD BUILD: built missing parts in $(elapsed_since "${t0}") (cache: ${CACHE_ROOT})"
  fi
}

# when sourced (by up.sh) only define the functions
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
