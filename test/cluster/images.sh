# shellcheck shell=bash
# Image building for the local cluster (sourced by build.sh / up.sh; needs lib.sh and build.sh functions).
# No registry: each image is a root filesystem made here, `docker import`ed under a fixed tag, then
# `docker save`d to a tar in the cache. up.sh imports the tars into containerd's k8s.io namespace.

k8s_module_dir() {
  go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p'
}

# docker_import_rootfs ROOTFS IMAGE [--change ...]...: tar ROOTFS into an image IMAGE, save it to the cache
docker_import_rootfs() {
  local rootfs="$1" image="$2"; shift 2
  local tar; tar=$(image_tar "${image}")
  local logfile; logfile="${BUILD_LOG_DIR}/image-$(basename "${tar}" .tar).log"
  mkdir -p "$(image_dir)"
  tar --numeric-owner -C "${rootfs}" -c . | run_logged "${logfile}" docker import "$@" - "${image}"
  run_logged "${logfile}" docker save -o "${tar}.tmp" "${image}"
  mv "${tar}.tmp" "${tar}"
  log "    ${image} -> ${tar} ($(du -h "${tar}" | cut -f1))"
}

build_pause_image() {
  local tar; tar=$(image_tar "${PAUSE_IMAGE}")
  [[ -s "${tar}" ]] && { log "    ${PAUSE_IMAGE}: cached"; return 0; }
  begin_build "image ${PAUSE_IMAGE} (gcc -static build/pause/linux/pause.c)"
  local work; work=$(mktemp -d)
  local src; src="$(k8s_module_dir)/build/pause/linux/pause.c"
  [[ -f "${src}" ]] || die "no pause source at ${src}"
  mkdir -p "${work}/rootfs"
  run_logged "${BUILD_LOG_DIR}/image-pause.log" \
    gcc -Os -Wall -Werror -static -DVERSION="v${PAUSE_VERSION}-netpol-e2e" -o "${work}/rootfs/pause" "${src}"
  strip "${work}/rootfs/pause"
  docker_import_rootfs "${work}/rootfs" "${PAUSE_IMAGE}" --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535:65535'
  rm -rf "${work}"
  end_build "image ${PAUSE_IMAGE}"
}

build_coredns_image() {
  local tar; tar=$(image_tar "${COREDNS_IMAGE}")
  [[ -s "${tar}" ]] && { log "    ${COREDNS_IMAGE}: cached"; return 0; }
  begin_build "image ${COREDNS_IMAGE} (scratch + coredns binary)"
  local work; work=$(mktemp -d)
  mkdir -p "${work}/rootfs/etc/coredns"
  cp "$(coredns_bin)" "${work}/rootfs/coredns"
  docker_import_rootfs "${work}/rootfs" "${COREDNS_IMAGE}" --change 'ENTRYPOINT ["/coredns"]' --change 'EXPOSE 53 53/udp'
  rm -rf "${work}"
  end_build "image ${COREDNS_IMAGE}"
}

# The probe image mirrors registry.k8s.io/e2e-test-images/agnhost:2.53 (ENTRYPOINT /agnhost, CMD pause),
# on a debootstrap minbase rootfs with /bin/sh, curl, nslookup (dnsutils) and nc (netcat-openbsd).
build_probe_image() {
  local tar; tar=$(image_tar "${PROBE_IMAGE}")
  [[ -s "${tar}" ]] && { log "    ${PROBE_IMAGE}: cached"; return 0; }
  begin_build "image ${PROBE_IMAGE} (debootstrap --variant=minbase ${DEBIAN_SUITE} + agnhost)"
  local work; work=$(mktemp -d)
  local logfile="${BUILD_LOG_DIR}/image-probe-debootstrap.log"
  log "    debootstrap log: ${logfile}"
  run_logged "${logfile}" debootstrap --variant=minbase \
    --include=curl,dnsutils,netcat-openbsd,iproute2,ca-certificates \
    "${DEBIAN_SUITE}" "${work}/rootfs" http://deb.debian.org/debian
  # slim down: package caches and lists are useless in the image
  rm -rf "${work}/rootfs/var/cache/apt/archives/"*.deb "${work}/rootfs/var/lib/apt/lists/"* \
    "${work}/rootfs/usr/share/doc" "${work}/rootfs/usr/share/man" "${work}/rootfs/usr/share/locale"
  install -m 0755 "$(k8s_bin_dir)/agnhost" "${work}/rootfs/agnhost"
  docker_import_rootfs "${work}/rootfs" "${PROBE_IMAGE}" \
    --change 'ENTRYPOINT ["/agnhost"]' --change 'CMD ["pause"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  rm -rf "${work}"
  end_build "image ${PROBE_IMAGE}"
}

build_images() {
  docker info >/dev/null 2>&1 || die "dockerd is not running: images are built with docker import (up.sh starts it)"
  build_pause_image
  build_coredns_image
  build_probe_image
}
