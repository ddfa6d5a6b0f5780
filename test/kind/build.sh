#!/usr/bin/env bash
# Build (only what is missing) the kind CLI, the binaries of kind's base image, kubeadm/kubectl and the
# images (base, node, kube-router) into the cache keyed by version (see versions.env).
#   build.sh [all|binaries|images]      (npm run kind:images = build.sh all)
# Last line of stdout: KIND_NODE_IMAGE=<image> (the image is in docker when it ends).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Kubernetes wrapper module, ldflags and the cold-build bookkeeping (begin_build/end_build) of test/cluster
# shellcheck source=../cluster/build.sh
source "${KIND_DIR}/../cluster/build.sh"

# go_build_in_module MODULE@VERSION LOGFILE OUTDIR GOBUILDARGS...: build packages of a module inside a
# copy of the module itself (its own go.mod and go.sum, as its Makefile does), into OUTDIR
go_build_in_module() {
  local modver="$1" logfile="$2" out="$3"; shift 3
  local upstream; upstream=$(module_dir "${modver}")
  local src; src="$(dirname "${out}")/src"
  rm -rf "${src}" "${out}.tmp"
  mkdir -p "$(dirname "${src}")" "${out}.tmp"
  cp -r "${upstream}" "${src}"
  chmod -R u+w "${src}"
  log "    go build log: ${logfile}"
  (cd "${src}" && run_logged "${logfile}" go build -trimpath -o "${out}.tmp/" "$@")
  rm -rf "${out}"; mv "${out}.tmp" "${out}"
}

build_kind_cli() {
  local bin; bin=$(kind_bin)
  [[ -x "${bin}" ]] && { log "    kind ${KIND_VERSION}: cached in ${bin}"; return 0; }
  begin_build "kind ${KIND_VERSION} (go install sigs.k8s.io/kind@${KIND_VERSION})"
  mkdir -p "$(dirname "${bin}")"
  run_logged "${BUILD_LOG_DIR}/kind-${KIND_VERSION}.log" \
    env GOFLAGS= GOBIN="$(dirname "${bin}")" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@${KIND_VERSION}"
  "${bin}" version >&2
  end_build "kind ${KIND_VERSION}"
}

build_containerd() {
  local bin; bin=$(containerd_bin_dir)
  [[ -x "${bin}/containerd" && -x "${bin}/ctr" && -x "${bin}/containerd-shim-runc-v2" ]] && { log "    containerd ${CONTAINERD_VERSION}: cached in ${bin}"; return 0; }
  begin_build "containerd ${CONTAINERD_VERSION} (containerd, ctr, containerd-shim-runc-v2)"
  local pkg=github.com/containerd/containerd/v2
  go_build_in_module "${pkg}@${CONTAINERD_VERSION}" "${BUILD_LOG_DIR}/containerd-${CONTAINERD_VERSION}.log" "${bin}" \
    -tags "${CONTAINERD_BUILDTAGS}" \
    -ldflags "-s -w -X ${pkg}/version.Version=${CONTAINERD_VERSION} -X ${pkg}/version.Package=github.com/containerd/containerd" \
    ./cmd/containerd ./cmd/ctr ./cmd/containerd-shim-runc-v2
  "${bin}/containerd" --version >&2
  end_build "containerd ${CONTAINERD_VERSION}"
}

build_runc() {
  local bin; bin=$(runc_bin)
  [[ -x "${bin}" ]] && { log "    runc ${RUNC_VERSION}: cached in ${bin}"; return 0; }
  begin_build "runc ${RUNC_VERSION} (cgo, libseccomp)"
  pkg-config --exists libseccomp || die "runc needs libseccomp-dev (apt-get install libseccomp-dev pkg-config)"
  # as its Makefile: tags seccomp urfave_cli_no_docs, version from VERSION
  local version; version=$(<"$(module_dir "github.com/opencontainers/runc@${RUNC_VERSION}")/VERSION")
  CGO_ENABLED=1 go_build_in_module "github.com/opencontainers/runc@${RUNC_VERSION}" "${BUILD_LOG_DIR}/runc-${RUNC_VERSION}.log" \
    "$(dirname "${bin}")" -tags "seccomp urfave_cli_no_docs" -ldflags "-s -w -X main.version=${version}" .
  "${bin}" --version >&2
  end_build "runc ${RUNC_VERSION}"
}

build_crictl() {
  local bin; bin=$(crictl_bin)
  [[ -x "${bin}" ]] && { log "    crictl ${CRI_TOOLS_VERSION}: cached in ${bin}"; return 0; }
  begin_build "crictl ${CRI_TOOLS_VERSION}"
  CGO_ENABLED=0 go_build_in_module "sigs.k8s.io/cri-tools@${CRI_TOOLS_VERSION}" "${BUILD_LOG_DIR}/cri-tools-${CRI_TOOLS_VERSION}.log" \
    "$(dirname "${bin}")" -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=${CRI_TOOLS_VERSION#v}" ./cmd/crictl
  end_build "crictl ${CRI_TOOLS_VERSION}"
}

cni_plugin_pkg() {
  case "$1" in
    host-local) echo ./plugins/ipam/host-local ;;
    portmap) echo ./plugins/meta/portmap ;;
    *) echo "./plugins/main/$1" ;;
  esac
}

build_cni_plugins() {
  local bin p missing=0 pkgs=(); bin=$(cni_bin_dir)
  for p in ${CNI_PLUGINS}; do [[ -x "${bin}/${p}" ]] || missing=1; pkgs+=("$(cni_plugin_pkg "${p}")"); done
  ((missing)) || { log "    CNI plugins ${CNI_PLUGINS_VERSION}: cached in ${bin}"; return 0; }
  begin_build "CNI plugins ${CNI_PLUGINS_VERSION} (${CNI_PLUGINS})"
  CGO_ENABLED=0 go_build_in_module "github.com/containernetworking/plugins@${CNI_PLUGINS_VERSION}" \
    "${BUILD_LOG_DIR}/cni-plugins-${CNI_PLUGINS_VERSION}.log" "${bin}" \
    -ldflags "-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=${CNI_PLUGINS_VERSION}" "${pkgs[@]}"
  end_build "CNI plugins ${CNI_PLUGINS_VERSION}"
}

# kubeadm and kubectl from the same wrapper module as test/cluster's Kubernetes binaries (same replaces,
# same ldflags; Go's build cache is shared), into the kind cache: test/cluster's cache key is untouched
build_kubeadm_kubectl() {
  local bin; bin=$(kind_k8s_bin_dir)
  [[ -x "${bin}/kubeadm" && -x "${bin}/kubectl" ]] && { log "    kubeadm, kubectl ${K8S_VERSION}: cached in ${bin}"; return 0; }
  begin_build "kubeadm, kubectl ${K8S_VERSION} (wrapper module of test/cluster)"
  local src; src="$(dirname "${bin}")/src"
  local logfile="${BUILD_LOG_DIR}/kubeadm-kubectl-${K8S_VERSION}.log"
  rm -rf "${bin}.tmp"; mkdir -p "${src}" "${bin}.tmp" "${BUILD_LOG_DIR}"
  k8s_wrapper_gomod "${src}"
  local ldflags; ldflags=$(go_ldflags_k8s)
  log "    go build log: ${logfile}"
  (cd "${src}" && run_logged "${logfile}" env CGO_ENABLED=0 go build -trimpath -ldflags "${ldflags}" -o "${bin}.tmp/" \
    k8s.io/kubernetes/cmd/kubeadm k8s.io/kubernetes/cmd/kubectl)
  rm -rf "${bin}"; mv "${bin}.tmp" "${bin}"
  "${bin}/kubeadm" version -o short >&2
  end_build "kubeadm, kubectl ${K8S_VERSION}"
}

# etcd at the version kubeadm v1.32.13 runs (test/cluster runs its own etcd version on the host)
build_kind_etcd() {
  local out; out=$(kind_etcd_bin)
  [[ -x "${out}" ]] && { log "    etcd ${KIND_ETCD_VERSION}: cached in ${out}"; return 0; }
  begin_build "etcd ${KIND_ETCD_VERSION}"
  local src; src="$(dirname "$(dirname "${out}")")/src"
  local logfile="${BUILD_LOG_DIR}/etcd-${KIND_ETCD_VERSION}.log"
  simple_wrapper "${src}" go.etcd.io/etcd/server/v3 "${KIND_ETCD_VERSION}"
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >"${src}/main.go"
  mkdir -p "$(dirname "${out}")"
  (cd "${src}" && run_logged "${logfile}" go mod tidy &&
    run_logged "${logfile}" env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "${out}.tmp" .)
  mv "${out}.tmp" "${out}"
  end_build "etcd ${KIND_ETCD_VERSION}"
}

build_kind_binaries() {
  local BUILD_LOG_DIR="${KIND_LOG_DIR}"   # dynamic scope: the build_* functions log here
  build_kind_cli
  build_containerd
  build_runc
  build_crictl
  build_cni_plugins
  build_kind_etcd
  build_kubeadm_kubectl
}

KIND_BUILD_CONTAINER=   # the node image's build container while it exists
remove_build_container() { if [[ -n "${KIND_BUILD_CONTAINER}" ]]; then docker rm -f -v "${KIND_BUILD_CONTAINER}" >/dev/null 2>&1 || true; fi; }

kind_main() {
  trap remove_build_container EXIT
  local what="${1:-all}" t0; t0=$(date +%s)
  mkdir -p "${KIND_LOG_DIR}"
  case "${what}" in
    binaries) build_kind_binaries ;;
    images|all)
      # the cluster's own binaries and images (kubelet, control plane, kube-proxy, CoreDNS, pause, kube-router,
      # the probe image) come from test/cluster's cache; it builds what is missing
      build_binaries
      [[ "${what}" == all ]] && build_kind_binaries
      docker info >/dev/null 2>&1 || die "dockerd is not running (test/cluster/up.sh starts one)"
      source "${CLUSTER_DIR}/images.sh"; build_images
      source "${KIND_DIR}/images.sh"; build_kind_images
      ;;
    *) die "usage: build.sh [all|binaries|images]" ;;
  esac
  if ((COLD_BUILD)); then
    log "COLD BUILD: built missing parts in $(elapsed_since "${t0}") (cache: ${KIND_CACHE_ROOT})"
  else
    log "all cached (${KIND_CACHE_ROOT}): $(elapsed_since "${t0}")"
  fi
  [[ "${what}" == binaries ]] && return 0
  # the results, for .ci/run and the live kind tests
  local path_dirs; path_dirs=$(dirname "$(kind_bin)")
  if privileged_fails; then
    log "    docker run --privileged fails here (no CAP_SYS_RESOURCE in the bounding set): kind needs ${KIND_DIR}/docker-shim first in PATH"
    path_dirs+=":${KIND_DIR}/docker-shim"
  fi
  echo "KIND_KUBE_ROUTER_IMAGE=${KUBE_ROUTER_IMAGE}"
  echo "KIND_PROBE_IMAGE=${PROBE_IMAGE}"
  echo "KIND_PATH=${path_dirs}"
  echo "KIND_NODE_IMAGE=${KIND_NODE_IMAGE}"
}

# privileged_fails: `docker run --privileged` cannot start a container on this machine (kind's nodes are privileged)
privileged_fails() {
  local out
  out=$(docker run --rm --privileged --entrypoint /bin/true "${KIND_BASE_IMAGE}" 2>&1) && return 1
  grep -q 'unable to apply caps' <<<"${out}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then kind_main "$@"; fi
