/** The boundaries a cluster provider talks through; production values by default, fakes in tests. */
import { createKubeClient } from '../kube/index.js';
import type { KubeConfigSelection } from '../kube/index.js';
import type { KubeClient } from '../kube/index.js';
import { fetchDownloader, type Downloader } from './calico/calico-manifest.js';
import type { CommandRunner } from './command-runner.js';
import { createExecaRunner } from './execa-command-runner.js';

export interface ProviderDependencies {
  runner: CommandRunner;
  createClient: (selection: KubeConfigSelection) => Promise<KubeClient>;
  download: Downloader;
  /** Waits between looks for leftovers (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export function defaultDependencies(overrides: Partial<ProviderDependencies> = {}): ProviderDependencies {
  return {
    runner: overrides.runner ?? createExecaRunner(),
    createClient: overrides.createClient ?? ((selection) => createKubeClient(selection)),
    download: overrides.download ?? fetchDownloader(),
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
  };
}
