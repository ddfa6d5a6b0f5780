/**
 * Finds and loads the kubeconfig the way kubectl does (--kubeconfig, else $KUBECONFIG with its files merged,
 * first one winning, else ~/.kube/config, else the in-cluster service account), selects the context, and fails
 * with a ClusterError that says which file was read and what to pass instead. Nothing here talks to a server.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ClusterError, describeError } from '../util/index.js';

export interface KubeConfigSelection {
  /** A kubeconfig file (--kubeconfig). Without it: $KUBECONFIG, ~/.kube/config, in-cluster. */
  kubeconfig?: string;
  /** A context of that kubeconfig (--context). Without it: the file's current-context. */
  context?: string;
}

/** Where to look when nothing is passed explicitly; tests substitute their own. */
export interface KubeConfigEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
}

export interface LoadedKubeConfig {
  config: KubeConfig;
  contextName: string;
  server: string;
  /** Human description of where the configuration came from, e.g. `kubeconfig /tmp/run/kubeconfig`. */
  source: string;
}

export function loadKubeConfig(
  selection: KubeConfigSelection,
  environment: KubeConfigEnvironment = { env: process.env, homeDir: homedir() },
): LoadedKubeConfig {
  const { config, source } = readConfig(selection, environment);
  const contextNames = config.getContexts().map((c) => c.name);
  const available = contextNames.length > 0 ? contextNames.join(', ') : '(none)';

  if (selection.context !== undefined) {
    if (!contextNames.includes(selection.context)) {
      throw new ClusterError(`context "${selection.context}" not found in ${source}; it defines: ${available}`, {
        hint: 'pass one of the contexts it defines with --context, or the kubeconfig that defines this one with --kubeconfig',
      });
    }
    config.setCurrentContext(selection.context);
  }

  const contextName = config.getCurrentContext();
  if (!contextName) {
    throw new ClusterError(`${source} has no current-context and no --context was given; it defines: ${available}`, {
      hint: 'pass --context <name>',
    });
  }
  const context = config.getContextObject(contextName);
  if (!context) {
    throw new ClusterError(`current-context "${contextName}" of ${source} is not defined in it; it defines: ${available}`, {
      hint: 'pass --context <name> with one of the defined contexts, or fix current-context in the file',
    });
  }
  const cluster = config.getCluster(context.cluster);
  if (!cluster) {
    throw new ClusterError(`context "${contextName}" of ${source} refers to cluster "${context.cluster}", which the kubeconfig does not define`, {
      hint: 'fix the kubeconfig, or choose another context with --context',
    });
  }
  if (!config.getUser(context.user) && context.user) {
    throw new ClusterError(`context "${contextName}" of ${source} refers to user "${context.user}", which the kubeconfig does not define`, {
      hint: 'fix the kubeconfig, or choose another context with --context',
    });
  }
  return { config, contextName, server: cluster.server, source };
}

function readConfig(selection: KubeConfigSelection, environment: KubeConfigEnvironment): { config: KubeConfig; source: string } {
  if (selection.kubeconfig !== undefined) {
    const file = path.resolve(selection.kubeconfig);
    if (!existsSync(file)) {
      throw new ClusterError(`kubeconfig ${file} (from --kubeconfig) does not exist`, {
        hint: 'pass the path of an existing kubeconfig file with --kubeconfig, or omit it to use $KUBECONFIG or ~/.kube/config',
      });
    }
    return { config: loadFiles([file]), source: `kubeconfig ${file}` };
  }

  const fromEnv = environment.env['KUBECONFIG'];
  if (fromEnv) {
    const listed = fromEnv.split(path.delimiter).filter((f) => f.length > 0);
    const present = listed.filter((f) => existsSync(f));
    if (present.length === 0) {
      throw new ClusterError(`$KUBECONFIG names ${listed.join(path.delimiter)}, and none of these files exists`, {
        hint: 'point $KUBECONFIG at an existing file, or pass --kubeconfig <file>',
      });
    }
    return { config: loadFiles(present), source: `kubeconfig ${present.join(path.delimiter)} (from $KUBECONFIG)` };
  }

  const home = path.join(environment.homeDir, '.kube', 'config');
  if (existsSync(home)) return { config: loadFiles([home]), source: `kubeconfig ${home}` };

  if (environment.env['KUBERNETES_SERVICE_HOST'] && environment.env['KUBERNETES_SERVICE_PORT']) {
    const config = new KubeConfig();
    config.loadFromCluster();
    return { config, source: 'the in-cluster service account' };
  }

  throw new ClusterError(
    `no kubeconfig found: --kubeconfig was not given, $KUBECONFIG is not set, ${home} does not exist, and this is not running in a pod`,
    { hint: 'pass --kubeconfig <file> (and --context <name>) or set $KUBECONFIG; or use --cluster kind to let netpol-e2e create a cluster' },
  );
}

/** Loads and merges kubeconfig files like kubectl: for a name defined twice, and for current-context, the first file wins. */
function loadFiles(files: readonly string[]): KubeConfig {
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  let currentContext = '';
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      throw new ClusterError(`kubeconfig ${file} could not be read as a kubeconfig: ${describeError(error)}`, {
        hint: 'check the file (it must be YAML with clusters, users and contexts), or pass another one with --kubeconfig',
        cause: error,
      });
    }
    if (!currentContext && one.getCurrentContext()) currentContext = one.getCurrentContext();
    for (const c of one.getClusters()) if (!clusters.some((x) => x.name === c.name)) clusters.push(c);
    for (const u of one.getUsers()) if (!users.some((x) => x.name === u.name)) users.push(u);
    for (const c of one.getContexts()) if (!contexts.some((x) => x.name === c.name)) contexts.push(c);
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters, users, contexts, currentContext });
  return merged;
}
