# shellcheck shell=bash
# Images of the kind node (sourced by build.sh; needs lib.sh, test/cluster/build.sh and images.sh functions).
# No registry: every image is a root filesystem made here (debootstrap or a few binaries), built into docker,
# and `docker save`d to a tar in the cache. Three images:
#   base:        kind v0.33.0's images/base (its files, entrypoint and containerd config) on a debootstrap
#                rootfs, with containerd, runc, crictl and CNI plugins built from source
#   node:        base + kubeadm/kubelet/kubectl + every image kubeadm v1.32.13 needs, imported into the
#                node's containerd (as `kind build node-image` does), so nothing is ever pulled
#   kube-router: the cached kube-router binary on an iptables/ipset userland (also kube-proxy's userland)

kind_base_dir() { module_dir "sigs.k8s.io/kind@${KIND_VERSION}"; }

# debootstrap_rootfs DIR SUITE PACKAGES LOGNAME: a minbase Debian rootfs with the packages, slimmed down
debootstrap_rootfs() {
  local dir="$1" suite="$2" packages="$3" logfile="${BUILD_LOG_DIR}/$4.log"
  log "    debootstrap ${suite} (log ${logfile})"
  run_logged "${logfile}" debootstrap --variant=minbase --include="${packages}" "${suite}" "${dir}" http://deb.debian.org/debian
  # what kind's clean-install removes after installing packages
  rm -rf "${dir}/var/cache/apt/archives/"*.deb "${dir}/var/lib/apt/lists/"* "${dir}/var/cache/debconf/"*-old \
    "${dir}/usr/share/doc/"* "${dir}/usr/share/man/"* "${dir}/usr/share/locale/"* "${dir}/var/log/"* "${dir}/tmp/"* "${dir}/var/tmp/"*
}

# docker_build_rootfs ROOTFS IMAGE DOCKERFILE-LINES...: `docker build` FROM scratch with the rootfs as one
# layer and the given instructions after it; then `docker save` into the kind cache
docker_build_rootfs() {
  local rootfs="$1" image="$2"; shift 2
  local ctx; ctx=$(mktemp -d)
  local tar; tar=$(kind_image_tar "${image}")
  local logfile; logfile="${BUILD_LOG_DIR}/image-$(basename "${tar}" .tar).log"
  tar --numeric-owner -C "${rootfs}" -cf "${ctx}/rootfs.tar" .
  { echo 'FROM scratch'; echo 'ADD rootfs.tar /'; printf '%s\n' "$@"; } >"${ctx}/Dockerfile"
  run_logged "${logfile}" docker build --no-cache -t "${image}" "${ctx}"
  rm -rf "${ctx}"
  mkdir -p "$(kind_image_dir)"
  run_logged "${logfile}" docker save -o "${tar}.tmp" "${image}"
  mv "${tar}.tmp" "${tar}"
  log "    ${image} -> ${tar} ($(du -h "${tar}" | cut -f1))"
}

# ---------------------------------------------------------------- base image

build_kind_base_image() {
  if ensure_docker_image "${KIND_BASE_IMAGE}"; then log "    ${KIND_BASE_IMAGE}: cached"; return 0; fi
  begin_build "image ${KIND_BASE_IMAGE} (kind ${KIND_VERSION} images/base on debootstrap ${KIND_DEBIAN_SUITE})"
  local work; work=$(mktemp -d)
  local root="${work}/rootfs" files; files="$(kind_base_dir)/images/base/files"
  debootstrap_rootfs "${root}" "${KIND_DEBIAN_SUITE}" "${KIND_BASE_PACKAGES}" kind-base-debootstrap

  # the Dockerfile's COPY lines: scripts 0755, everything else 0644
  install -D -m 0755 -t "${root}/usr/local/bin" "${files}"/usr/local/bin/*
  mkdir -p "${root}/kind/bin" "${root}/LICENSES" "${root}/etc/containerd" "${root}/etc/default" "${root}/etc/sysctl.d" \
    "${root}/etc/systemd/system/kubelet.service.d"
  install -m 0755 -t "${root}/kind/bin" "${files}"/kind/bin/*
  install -m 0644 -t "${root}/LICENSES" "${files}"/LICENSES/*
  install -m 0644 -t "${root}/etc" "${files}"/etc/crictl.yaml
  install -m 0644 -t "${root}/etc/containerd" "${files}"/etc/containerd/*
  install -m 0644 -t "${root}/etc/default" "${files}"/etc/default/*
  install -m 0644 -t "${root}/etc/sysctl.d" "${files}"/etc/sysctl.d/*
  install -m 0644 -t "${root}/etc/systemd/system" "${files}"/etc/systemd/system/*.service "${files}"/etc/systemd/system/*.slice
  install -m 0644 -t "${root}/etc/systemd/system/kubelet.service.d" "${files}"/etc/systemd/system/kubelet.service.d/*
  chmod 755 "${root}/kind" "${root}/kind/bin"

  # the Dockerfile's RUN lines
  find "${root}/lib/systemd/system/sysinit.target.wants/" -name "systemd-tmpfiles-setup.service" -delete
  rm -f "${root}"/lib/systemd/system/multi-user.target.wants/* "${root}"/etc/systemd/system/*.wants/* \
    "${root}"/lib/systemd/system/local-fs.target.wants/* "${root}"/lib/systemd/system/sockets.target.wants/*udev* \
    "${root}"/lib/systemd/system/sockets.target.wants/*initctl* "${root}"/lib/systemd/system/basic.target.wants/*
  echo "ReadKMsg=no" >>"${root}/etc/systemd/journald.conf"
  ln -sf /usr/lib/systemd/systemd "${root}/sbin/init"
  local logfile="${BUILD_LOG_DIR}/kind-base-chroot.log"
  run_logged "${logfile}" chroot "${root}" systemctl enable kubelet.service containerd.service undo-mount-hacks.service
  run_logged "${logfile}" chroot "${root}" systemctl mask systemd-binfmt.service
  mkdir -p "${root}/etc/kubernetes/manifests"

  # the binaries the Dockerfile builds in its other stages
  local cbin; cbin=$(containerd_bin_dir)
  install -m 0755 -t "${root}/usr/local/bin" "${cbin}/containerd" "${cbin}/ctr" "${cbin}/containerd-shim-runc-v2" "$(crictl_bin)"
  install -D -m 0755 "$(runc_bin)" "${root}/usr/local/sbin/runc"
  mkdir -p "${root}/opt/cni/bin"
  local p; for p in ${CNI_PLUGINS}; do install -m 0755 "$(cni_bin_dir)/${p}" "${root}/opt/cni/bin/${p}"; done
  "${cbin}/ctr" oci spec \
    | jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
    | jq 'del(.process.rlimits)' >"${root}/etc/containerd/cri-base.json"
  # This machine: root lacks CAP_SYS_RESOURCE, so runc cannot lower oom_score_adj below the parent's and fails
  # every pod sandbox (test/cluster/README.md "Verified facts"). kind's entrypoint sets this only for userns.
  sed -i 's/^\( *restrict_oom_score_adj\) = false/\1 = true/' "${root}/etc/containerd/config.toml"
  grep -q 'restrict_oom_score_adj = true' "${root}/etc/containerd/config.toml" || die "could not set restrict_oom_score_adj in kind's containerd config"

  docker_build_rootfs "${root}" "${KIND_BASE_IMAGE}" \
    'ENV container=docker' 'STOPSIGNAL SIGRTMIN+3' 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]'
  rm -rf "${work}"
  end_build "image ${KIND_BASE_IMAGE}"
}

# ---------------------------------------------------------------- component images

# the iptables userland rootfs (kube-proxy, kube-router), made at most once per build into IPTABLES_ROOTFS
# (removed by build_kind_images); not in a subshell, so that the variable sticks
prepare_iptables_rootfs() {
  if [[ -z "${IPTABLES_ROOTFS:-}" ]]; then
    IPTABLES_ROOTFS=$(mktemp -d)/rootfs
    debootstrap_rootfs "${IPTABLES_ROOTFS}" "${KIND_DEBIAN_SUITE}" "${KIND_IPTABLES_PACKAGES}" kind-iptables-debootstrap
  fi
}

# binary_image IMAGE BINARY [iptables]: BINARY at /usr/local/bin on the iptables rootfs, or else on a near-empty
# one with /tmp and a passwd (like distroless static); entrypoint the binary
binary_image() {
  local image="$1" binary="$2" base="${3:-}"
  if [[ -s "$(kind_image_tar "${image}")" ]]; then ensure_docker_image "${image}"; log "    ${image}: cached"; return 0; fi
  begin_build "image ${image}"
  local work; work=$(mktemp -d)
  if [[ "${base}" == iptables ]]; then
    prepare_iptables_rootfs
    cp -a "${IPTABLES_ROOTFS}" "${work}/rootfs"
  else
    mkdir -p "${work}/rootfs/etc" "${work}/rootfs/tmp"
    chmod 1777 "${work}/rootfs/tmp"
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"${work}/rootfs/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\n' >"${work}/rootfs/etc/group"
  fi
  install -D -m 0755 "${binary}" "${work}/rootfs/usr/local/bin/$(basename "${binary}")"
  docker_build_rootfs "${work}/rootfs" "${image}" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "ENTRYPOINT [\"/usr/local/bin/$(basename "${binary}")\"]"
  rm -rf "${work}"
  end_build "image ${image}"
}

build_kube_router_image() {
  binary_image "${KUBE_ROUTER_IMAGE}" "$(kr_bin_dir)/kube-router" iptables
}

# the images kubeadm v1.32.13 runs (kubeadm config images list) that are not test/cluster's, each a cached tar
build_kubeadm_images() {
  local k8s; k8s=$(k8s_bin_dir)
  local c; for c in kube-apiserver kube-controller-manager kube-scheduler; do
    binary_image "registry.k8s.io/${c}:${K8S_VERSION}" "${k8s}/${c}"
  done
  binary_image "registry.k8s.io/kube-proxy:${K8S_VERSION}" "${k8s}/kube-proxy" iptables
  binary_image "registry.k8s.io/etcd:${KIND_ETCD_VERSION#v}-0" "$(kind_etcd_bin)"
}

# kubeadm_image_pairs: IMAGE=TAR per image the node preloads; CoreDNS and pause are test/cluster's (same
# versions), re-tagged inside the node
kubeadm_image_pairs() {
  local image; for image in "registry.k8s.io/kube-apiserver:${K8S_VERSION}" "registry.k8s.io/kube-controller-manager:${K8S_VERSION}" \
    "registry.k8s.io/kube-scheduler:${K8S_VERSION}" "registry.k8s.io/kube-proxy:${K8S_VERSION}" "registry.k8s.io/etcd:${KIND_ETCD_VERSION#v}-0"; do
    echo "${image}=$(kind_image_tar "${image}")"
  done
  echo "registry.k8s.io/coredns/coredns:${COREDNS_VERSION}=$(image_tar "${COREDNS_IMAGE}")"
  echo "registry.k8s.io/pause:${PAUSE_VERSION}=$(image_tar "${PAUSE_IMAGE}")"
}

# ---------------------------------------------------------------- node image

# A StorageClass without a provisioner image (kind's default one is local-path-provisioner, not built here)
KIND_STORAGE_MANIFEST='apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/host-path'

build_kind_node_image() {
  if ensure_docker_image "${KIND_NODE_IMAGE}"; then log "    ${KIND_NODE_IMAGE}: cached"; return 0; fi
  build_kubeadm_images
  local pairs; pairs=$(kubeadm_image_pairs)
  begin_build "image ${KIND_NODE_IMAGE} (as kind build node-image: binaries, images imported into the node's containerd)"
  local logfile="${BUILD_LOG_DIR}/kind-node-image.log"
  local name; name="netpol-e2e-kind-build-$(date +%s)-$$"
  KIND_BUILD_CONTAINER="${name}"   # removed on exit by build.sh, also after a failure
  # as kind's buildContext.createBuildContainer
  run_logged "${logfile}" docker run -d --entrypoint=sleep --name="${name}" --security-opt seccomp=unconfined "${KIND_BASE_IMAGE}" infinity
  local b; for b in "$(kind_k8s_bin_dir)/kubeadm" "$(kind_k8s_bin_dir)/kubectl" "$(k8s_bin_dir)/kubelet"; do
    run_logged "${logfile}" docker cp "${b}" "${name}:/usr/bin/$(basename "${b}")"
    run_logged "${logfile}" docker exec "${name}" chown root:root "/usr/bin/$(basename "${b}")"
  done
  printf '%s' "${K8S_VERSION}" | run_logged "${logfile}" docker exec -i "${name}" sh -c 'cat >/kind/version'
  printf '%s\n' "${KIND_STORAGE_MANIFEST}" | run_logged "${logfile}" docker exec -i "${name}" sh -c 'mkdir -p /kind/manifests && cat >/kind/manifests/default-storage.yaml'
  # containerd in the build container, images imported (--no-unpack, pinned) as kind's containerdImporter does
  run_logged "${logfile}" docker exec "${name}" bash -c 'nohup containerd >/var/log/containerd-build.log 2>&1 & echo $! >/run/containerd-build.pid'
  run_logged "${logfile}" docker exec "${name}" bash -c 'for i in $(seq 1 30); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && exit 0; sleep 1; done; cat /var/log/containerd-build.log; exit 1'
  local pair image tar
  for pair in ${pairs}; do
    image=${pair%%=*} tar=${pair#*=}
    [[ -s "${tar}" ]] || die "no cached image tar ${tar} for ${image}"
    docker exec -i "${name}" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
      --all-platforms --no-unpack --digests - <"${tar}" >>"${logfile}" 2>&1 || die "importing ${tar} into the node's containerd failed" "${logfile}"
    # docker save names each image by its tag; test/cluster's tags are re-tagged to what kubeadm expects
    local from; from=$(tar -xOf "${tar}" manifest.json | jq -r '.[0].RepoTags[0]')
    [[ "${from}" == */*:* ]] || die "image tar ${tar} names no image (RepoTags: ${from})"
    # docker's short names are docker.io's; a first component with a dot or port, or localhost, is a registry
    local registry="${from%%/*}"
    [[ "${registry}" == *.* || "${registry}" == *:* || "${registry}" == localhost ]] || from="docker.io/${from}"
    if [[ "${from}" != "${image}" ]]; then
      run_logged "${logfile}" docker exec "${name}" ctr --namespace=k8s.io images tag --force "${from}" "${image}"
      run_logged "${logfile}" docker exec "${name}" ctr --namespace=k8s.io images label "${image}" io.cri-containerd.pinned=pinned
    fi
  done
  # everything kubeadm lists (pause: the containerd sandbox image) must be there now
  local required have missing=()
  required=$(docker exec "${name}" kubeadm config images list --kubernetes-version "${K8S_VERSION}" 2>>"${logfile}") || die "kubeadm config images list failed in the build container" "${logfile}"
  have=$(docker exec "${name}" ctr --namespace=k8s.io images list -q)
  for image in ${required}; do grep -qxF "${image}" <<<"${have}" || missing+=("${image}"); done
  ((${#missing[@]} == 0)) || die "the node image lacks images kubeadm ${K8S_VERSION} needs: ${missing[*]} (has: $(tr '\n' ' ' <<<"${have}"))" "${logfile}"
  log "    preloaded: $(grep -v '^sha256:' <<<"${have}" | grep -v '@sha256' | tr '\n' ' ')"
  # (sleep is PID 1 of the build container and reaps nothing: a stopped containerd stays a zombie)
  run_logged "${logfile}" docker exec "${name}" bash -c 'p=$(cat /run/containerd-build.pid); kill "${p}"; for i in $(seq 1 40); do s=$(awk "{print \$3}" "/proc/${p}/stat" 2>/dev/null); [ -z "${s}" ] || [ "${s}" = Z ] && exit 0; sleep 0.5; done; exit 1'
  run_logged "${logfile}" docker exec "${name}" rm -f /run/containerd-build.pid /var/log/containerd-build.log
  run_logged "${logfile}" docker commit --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' "${name}" "${KIND_NODE_IMAGE}"
  local out; out=$(kind_image_tar "${KIND_NODE_IMAGE}")
  run_logged "${logfile}" docker save -o "${out}.tmp" "${KIND_NODE_IMAGE}"
  mv "${out}.tmp" "${out}"
  log "    ${KIND_NODE_IMAGE} -> ${out} ($(du -h "${out}" | cut -f1))"
  docker rm -f -v "${name}" >/dev/null; KIND_BUILD_CONTAINER=
  end_build "image ${KIND_NODE_IMAGE}"
}

build_kind_images() {
  local BUILD_LOG_DIR="${KIND_LOG_DIR}"   # dynamic scope: the build_* functions log here
  build_kind_base_image
  build_kube_router_image
  build_kind_node_image
  if [[ -n "${IPTABLES_ROOTFS:-}" ]]; then rm -rf "$(dirname "${IPTABLES_ROOTFS}")"; fi
}
