/**
 * Diagnostics of a failed suite, when an artifacts directory is set. Where they went, and anything that could
 * not be collected, is noted in the run's environment facts: a diagnostics problem never changes a verdict.
 */
import type { KubeClient } from '../kube/index.js';
import { describeError } from '../util/index.js';
import { collectDiagnostics } from './collect-diagnostics.js';
import { runSelector } from './run-labels.js';
import type { RunInventory } from './run-inventory.js';

export interface DiagnoseSettings {
  runId: string;
  artifactsDir: string | undefined;
  enforcerLog: string | undefined;
  environment: Record<string, string>;
}

export async function diagnoseRun(kube: KubeClient, settings: DiagnoseSettings, inventory: RunInventory, namespaces: readonly string[]): Promise<void> {
  const dir = settings.artifactsDir;
  if (!dir) return;
  try {
    const { dir: written, problems } = await collectDiagnostics({
      kube,
      artifactsDir: dir,
      runId: settings.runId,
      namespaces,
      labelSelector: runSelector(settings.runId),
      enforcerLog: settings.enforcerLog,
      docker: inventory.docker,
      externalContainers: inventory.externalContainers(),
    });
    settings.environment.diagnostics = written;
    if (problems.length > 0) settings.environment['diagnostics problems'] = `${problems.length} items not collected, see ${written}/problems.txt`;
  } catch (error) {
    settings.environment['diagnostics problems'] = `could not write diagnostics to ${dir}: ${describeError(error)}`;
  }
}
