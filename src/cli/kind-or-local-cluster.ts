/**
 * `netpol-e2e run` creates a kind cluster by default. On a machine where kind is missing but the local test cluster
 * (test/cluster/up.sh, `npm start`) is up, the run stops before anything is created and says which of the two to
 * choose, with the exact command for each.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KIND_INSTALL_DOCS, KIND_VERSION, type ClusterSelection } from '../cluster/index.js';
import { PreflightError } from '../util/index.js';

/** The admin kubeconfig of the local test cluster (test/cluster/versions.env: STATE_DIR, NETPOL_E2E_STATE). */
export function localClusterKubeconfig(env: NodeJS.ProcessEnv): string {
  return join(env.NETPOL_E2E_STATE ?? '/var/lib/netpol-e2e/cluster', 'kubeconfig', 'admin.kubeconfig');
}

/** True when an executable `command` is in one of the directories of PATH. */
export function isOnPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false; // not there, or not executable: look in the next directory
      }
    });
}

/** An argument as a POSIX shell reads it back unchanged. */
function shellWord(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * Throws a PreflightError naming both ways forward when the selection needs kind, kind is not on PATH and the local
 * test cluster's kubeconfig exists. `args` are the command's arguments as given (to print the command again).
 */
export function checkKindOrLocalCluster(selection: ClusterSelection, command: string, args: readonly string[], env: NodeJS.ProcessEnv): void {
  if (selection.cluster !== 'kind' || isOnPath('kind', env)) return;
  const kubeconfig = localClusterKubeconfig(env);
  if (!existsSync(kubeconfig)) return; // the kind provider's own preflight says how to install kind
  const again = ['npx', 'netpol-e2e', command, ...withoutKindFlag(args), '--kubeconfig', kubeconfig];
  throw new PreflightError(
    `kind was not found on PATH, and \`netpol-e2e ${command}\` creates a kind cluster unless it is given one; the local test cluster ` +
      `(test/cluster, started by \`npm start\` or \`npm run cluster:up\`) is up on this machine (kubeconfig ${kubeconfig})`,
    {
      hint:
        `to run against the local test cluster:  ${again.map(shellWord).join(' ')}\n` +
        `  or, for a kind cluster with Calico, install kind ${KIND_VERSION} (needs Docker; ${KIND_INSTALL_DOCS}):  ` +
        `go install sigs.k8s.io/kind@${KIND_VERSION}  (it lands in $(go env GOPATH)/bin: put that on PATH), then run the same command again`,
    },
  );
}

/** The arguments without `--cluster kind` / `--cluster=kind` (contradicting --kubeconfig). */
function withoutKindFlag(args: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--cluster=kind') continue;
    if (args[i] === '--cluster' && args[i + 1] === 'kind') {
      i += 1;
      continue;
    }
    result.push(args[i] as string);
  }
  return result;
}
