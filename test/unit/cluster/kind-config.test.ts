import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { inspectUserKindConfig, readKindConfigTemplate, renderKindConfig } from '../../../src/cluster/kind/kind-config.js';
import { KIND_NODE_IMAGE } from '../../../src/cluster/versions.js';
import { DEFAULT_POD_SUBNET } from '../../../src/cluster/defaults.js';
import { InputError } from '../../../src/util/errors.js';

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function expectGolden(actual: string, name: string): void {
  const file = fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, actual);
  expect(actual).to.equal(readFileSync(file, 'utf8'));
}

describe('renderKindConfig', () => {
  it('renders the default cluster: 1 control plane + 2 workers, pinned image, Calico pool subnet, no default CNI', () => {
    const text = renderKindConfig(readKindConfigTemplate(), { clusterName: 'netpol-e2e', workers: 2, nodeImage: KIND_NODE_IMAGE, podSubnet: DEFAULT_POD_SUBNET });
    expectGolden(text, 'kind-config-default.yaml');
    const config = parse(text);
    expect(config.networking).to.deep.equal({ disableDefaultCNI: true, podSubnet: '192.168.0.0/16', serviceSubnet: '10.112.0.0/16' });
    expect(config.nodes).to.deep.equal([
      { role: 'control-plane', image: KIND_NODE_IMAGE },
      { role: 'worker', image: KIND_NODE_IMAGE },
      { role: 'worker', image: KIND_NODE_IMAGE },
    ]);
    expect(KIND_NODE_IMAGE).to.match(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });

  it('renders a custom shape: name, no workers, other image and subnet', () => {
    const text = renderKindConfig(readKindConfigTemplate(), { clusterName: 'np-ci-7', workers: 0, nodeImage: 'registry.local/kindest/node:v1.37.0', podSubnet: '10.200.0.0/16' });
    expectGolden(text, 'kind-config-custom.yaml');
    const config = parse(text);
    expect(config.name).to.equal('np-ci-7');
    expect(config.nodes).to.deep.equal([{ role: 'control-plane', image: 'registry.local/kindest/node:v1.37.0' }]);
    expect(config.networking.podSubnet).to.equal('10.200.0.0/16');
  });
});

describe('inspectUserKindConfig', () => {
  it('reads the pod subnet, and falls back to kind\'s default', () => {
    const withSubnet = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  disableDefaultCNI: true\n  podSubnet: 172.30.0.0/16\nnodes:\n- role: control-plane\n- role: worker\n';
    expect(inspectUserKindConfig(withSubnet, 'mine.yaml')).to.deep.equal({ podSubnet: '172.30.0.0/16', name: undefined, nodes: 2 });
    const without = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: x\nnetworking:\n  disableDefaultCNI: true\n';
    expect(inspectUserKindConfig(without, 'mine.yaml')).to.deep.equal({ podSubnet: '10.244.0.0/16', name: 'x', nodes: 1 });
  });

  it('refuses a config that keeps the default CNI, saying why', () => {
    const error = (() => {
      try {
        inspectUserKindConfig('kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n', 'mine.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).message).to.equal(
      "--kind-config: mine.yaml: networking.disableDefaultCNI must be true: kind's default CNI does not enforce NetworkPolicy and would run beside Calico",
    );
  });

  it('refuses something that is not a kind config', () => {
    expect(() => inspectUserKindConfig('apiVersion: v1\nkind: Pod\n', 'pod.yaml')).to.throw(InputError, 'it is not a kind cluster config');
  });
});
