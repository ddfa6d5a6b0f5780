/** The Kubernetes API facade's public API. */
export * from './types.js';
export { createKubeClient, ClientNodeKubeClient, type CreateKubeClientOptions } from './kube-client.js';
export { loadKubeConfig, type KubeConfigSelection, type LoadedKubeConfig } from './load-kube-config.js';
export { RBAC_MANIFEST } from './translate-api-error.js';
export { formatArgv } from './exec-status.js';
