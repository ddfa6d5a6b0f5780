/**
 * Every version netpol-e2e pins for clusters it creates, and the checksums that make the pins real. This is the
 * one place to change them; docs/clusters.md ("Updating the pins") says how each value is obtained.
 */

/**
 * The kind release the node image below was built with (kind's release notes list the images per release).
 * Used in CI (.github/workflows/ci.yml, action.yml carry the same version and binary checksum) and in the
 * preflight note when the installed kind differs.
 */
export const KIND_VERSION = 'v0.33.0';

/**
 * SHA-256 of https://github.com/kubernetes-sigs/kind/releases/download/v0.33.0/kind-linux-amd64, as published
 * next to it (kind-linux-amd64.sha256sum). Mirrored in the workflows, which verify the download.
 */
export const KIND_LINUX_AMD64_SHA256 = 'aee6151561422756b764a4ae28e7f44cda5af5a9eead3cc9985112b1de8d8e0d';

/**
 * The node image, pinned by digest as kind's release notes ask ("please use these exact images … including the
 * digest"): kindest/node v1.37.0 from the kind v0.33.0 release notes.
 */
export const KIND_NODE_IMAGE = 'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5';

/** The Calico release installed by default (its manifests/calico.yaml: the operator-less install). */
export const CALICO_VERSION = 'v3.33.0';

/** Where a Calico release's single-file manifest lives. */
export function calicoManifestUrl(version: string): string {
  return `https://raw.githubusercontent.com/projectcalico/calico/${version}/manifests/calico.yaml`;
}

/**
 * SHA-256 of manifests/calico.yaml per Calico release. A version not listed here can only be installed with
 * --calico-manifest-sha256 (or from a local file with --calico-manifest). To add one:
 *   curl -fsSL "$(url)" | sha256sum
 * on a trusted network, and cross-check it against a second download.
 */
export const CALICO_MANIFEST_SHA256: Readonly<Record<string, string>> = {
  'v3.33.0': '2de8f47595fb9c41b3f47d7b767a1f8e72ecf84057af834738ff12689a234da5',
  'v3.32.1': 'a1df919d9721cf667accdc3e72848911b0cb25cfab7d2478ad0c996302c95744',
};

/**
 * The image of `--cni kube-router` unless --kube-router-image names another: kube-router v2.1.0 as published.
 * Upstream kube-router REJECTs what no policy allows (a denied connection is refused, not timed out); the local
 * test set-up builds it with DROP instead (test/kind, test/cluster/README.md).
 */
export const KUBE_ROUTER_IMAGE = 'docker.io/cloudnativelabs/kube-router:v2.1.0';
