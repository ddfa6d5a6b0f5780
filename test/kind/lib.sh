# shellcheck shell=bash
# Shared helpers for test/kind/*.sh. Source it: it sources test/cluster/lib.sh (logging, failures, the
# Kubernetes wrapper module) and versions.env. Progress and errors go to stderr; only results go to stdout.

KIND_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../cluster/lib.sh
source "${KIND_DIR}/../cluster/lib.sh"
# shellcheck source=versions.env
source "${KIND_DIR}/versions.env"

KIND_LOG_DIR="${KIND_CACHE_ROOT}/logs"

kind_bin()          { echo "${KIND_CACHE_ROOT}/kind-${KIND_VERSION}/bin/kind"; }
kind_k8s_bin_dir()  { echo "${KIND_CACHE_ROOT}/kubernetes-${K8S_VERSION}/bin"; }   # kubeadm, kubectl
kind_etcd_bin()     { echo "${KIND_CACHE_ROOT}/etcd-${KIND_ETCD_VERSION}/bin/etcd"; }
containerd_bin_dir(){ echo "${KIND_CACHE_ROOT}/containerd-${CONTAINERD_VERSION}/bin"; }
runc_bin()          { echo "${KIND_CACHE_ROOT}/runc-${RUNC_VERSION}/bin/runc"; }
crictl_bin()        { echo "${KIND_CACHE_ROOT}/cri-tools-${CRI_TOOLS_VERSION}/bin/crictl"; }
cni_bin_dir()       { echo "${KIND_CACHE_ROOT}/cni-plugins-${CNI_PLUGINS_VERSION}/bin"; }
kind_image_dir()    { echo "${KIND_CACHE_ROOT}/images"; }
# kind_image_tar IMAGE: the cached `docker save` tar of an image, named after its full reference
kind_image_tar()    { echo "$(kind_image_dir)/$(echo "$1" | tr '/:' '__').tar"; }

# module_dir MODULE@VERSION: the module's directory in Go's module cache (downloads it from the proxy)
module_dir() {
  local dir
  dir=$(cd /tmp && GOFLAGS= go mod download -json "$1" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [[ -d "${dir}" ]] || die "could not download $1 from the module proxy"
  echo "${dir}"
}

# docker_image_present IMAGE: the image is in docker
docker_image_present() { docker image inspect "$1" >/dev/null 2>&1; }

# ensure_docker_image IMAGE: the image is in docker, loaded from its cached tar if needed; status 1 if neither
ensure_docker_image() {
  local image="$1" tar; tar=$(kind_image_tar "$1")
  docker_image_present "${image}" && return 0
  [[ -s "${tar}" ]] || return 1
  docker load -i "${tar}" >/dev/null || die "docker load -i ${tar} failed"
  docker_image_present "${image}"
}
