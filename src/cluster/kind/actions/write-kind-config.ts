/** Phase "kind config": render the template into the run directory, or check the user's --kind-config and read its pod subnet. */
import { readFile, writeFile } from 'node:fs/promises';
import { describeError, InputError } from '../../../util/index.js';
import type { ClusterAction } from '../../types.js';
import type { KindContext } from '../kind-context.js';
import { inspectUserKindConfig, readKindConfigTemplate, renderKindConfig } from '../kind-config.js';

export const writeKindConfig: ClusterAction<KindContext> = {
  name: 'kind config',
  async execute(context) {
    const { options } = context;
    if (options.kindConfigFile !== undefined) {
      let text: string;
      try {
        text = await readFile(options.kindConfigFile, 'utf8');
      } catch (error) {
        throw new InputError([{ field: '--kind-config', message: `cannot read ${options.kindConfigFile}: ${describeError(error)}` }], { cause: error });
      }
      const user = inspectUserKindConfig(text, options.kindConfigFile);
      context.podSubnet = user.podSubnet;
      await writeFile(context.kindConfigPath, text);
      context.environment['nodes'] = String(user.nodes);
      return `${options.kindConfigFile} (${user.nodes} nodes, pod subnet ${user.podSubnet})`;
    }
    const podSubnet = options.podSubnet as string;
    context.podSubnet = podSubnet;
    const rendered = renderKindConfig(readKindConfigTemplate(), {
      clusterName: options.clusterName,
      workers: options.workers,
      nodeImage: options.nodeImage,
      podSubnet,
    });
    await writeFile(context.kindConfigPath, rendered);
    context.environment['nodeImage'] = options.nodeImage;
    context.environment['nodes'] = String(1 + options.workers);
    return `${context.kindConfigPath}: 1 control plane + ${options.workers} workers, pod subnet ${podSubnet}`;
  },
};
