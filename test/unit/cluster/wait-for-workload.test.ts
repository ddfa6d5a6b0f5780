import { expect } from 'chai';
import { readiness, waitForNodesReady, waitForWorkload } from '../../../src/cluster/install/wait-for-workload.js';
import { ClusterError, TimeoutError } from '../../../src/util/errors.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { fakeClock, FakeKubeClient } from './fakes.js';
import { diagnosePods } from '../../../src/cluster/install/diagnose-workload.js';

const controllers = { kind: 'Deployment' as const, namespace: 'kube-system', name: 'calico-kube-controllers' };

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'calico-kube-controllers', namespace: 'kube-system' },
    spec: { replicas: 1, selector: { matchLabels: { 'k8s-app': 'calico-kube-controllers' } } },
  };
}

function pod(name: string, status: object, node = 'netpol-e2e-worker'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': 'calico-kube-controllers' } },
    spec: { nodeName: node, containers: [{ name: 'calico-kube-controllers', image: 'localhost/netpol-e2e/missing:v0' }] },
    status,
  };
}

describe('readiness', () => {
  it('a DaemonSet is ready when every scheduled pod is ready and updated', () => {
    const ds = (status: object, generation = 1): KubeObject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', generation }, status: { observedGeneration: 1, ...status } });
    expect(readiness('DaemonSet', ds({ desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3 }))).to.deep.equal({ done: true, value: undefined });
    expect(readiness('DaemonSet', ds({ desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3 }))).to.deep.equal({ done: false, observation: '2 of 3 pods ready' });
    expect(readiness('DaemonSet', ds({ desiredNumberScheduled: 0 }))).to.deep.equal({ done: false, observation: 'no node is scheduled to run it yet' });
    expect(readiness('DaemonSet', ds({ desiredNumberScheduled: 3, numberReady: 3 }, 2))).to.deep.equal({ done: false, observation: 'the controller has not observed generation 2 yet' });
  });

  it('a Deployment is ready when its replicas are available and updated', () => {
    const d = (spec: object, status: object): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec, status });
    expect(readiness('Deployment', d({ replicas: 2 }, { availableReplicas: 2, updatedReplicas: 2 })).done).to.equal(true);
    expect(readiness('Deployment', d({}, { availableReplicas: 0, updatedReplicas: 1 }))).to.deep.equal({ done: false, observation: '0 of 1 replicas available' });
  });
});

describe('waitForWorkload', () => {
  it('returns once ready', async () => {
    const client = new FakeKubeClient();
    await client.apply(deployment());
    client.status = (_o, gets) => ({ availableReplicas: gets >= 2 ? 1 : 0, updatedReplicas: 1 });
    const elapsed = await waitForWorkload(client, controllers, { timeoutMs: 60_000, intervalMs: 2000, clock: fakeClock() });
    expect(elapsed).to.equal(2000);
  });

  it('on timeout, diagnoses a pod that cannot get its image: pod, node, reason, image, events, and the kind load hint', async () => {
    const client = new FakeKubeClient();
    await client.apply(deployment());
    client.status = () => ({ availableReplicas: 0, updatedReplicas: 1 });
    client.pods = [
      pod('calico-kube-controllers-7d9f-abcde', {
        phase: 'Pending',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'calico-kube-controllers',
            ready: false,
            restartCount: 0,
            image: 'localhost/netpol-e2e/missing:v0',
            state: { waiting: { reason: 'ErrImageNeverPull', message: 'Container image "localhost/netpol-e2e/missing:v0" is not present with pull policy of Never' } },
          },
        ],
      }),
    ];
    client.events = [
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'kube-system' }, involvedObject: { name: 'calico-kube-controllers-7d9f-abcde' }, reason: 'Scheduled', message: 'Successfully assigned', lastTimestamp: '2026-11-23T00:00:01Z' },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e2', namespace: 'kube-system' }, involvedObject: { name: 'calico-kube-controllers-7d9f-abcde' }, reason: 'ErrImageNeverPull', message: 'Container image "localhost/netpol-e2e/missing:v0" is not present with pull policy of Never', count: 4, lastTimestamp: '2026-11-23T00:00:09Z' },
    ];
    const error = (await waitForWorkload(client, controllers, { timeoutMs: 20_000, intervalMs: 2000, clock: fakeClock(), clusterName: 'netpol-e2e' }).catch((e: unknown) => e)) as ClusterError;
    expect(error).to.be.instanceOf(ClusterError);
    expect(error.cause).to.be.instanceOf(TimeoutError);
    expect(error.message).to.equal(
      'Deployment kube-system/calico-kube-controllers not ready after 20 s (0 of 1 replicas available): ' +
        'pod calico-kube-controllers-7d9f-abcde on node netpol-e2e-worker is Pending: container calico-kube-controllers waiting ' +
        '(ErrImageNeverPull: Container image "localhost/netpol-e2e/missing:v0" is not present with pull policy of Never), image localhost/netpol-e2e/missing:v0; ' +
        'last events: Scheduled: Successfully assigned | ErrImageNeverPull: Container image "localhost/netpol-e2e/missing:v0" is not present with pull policy of Never (x4)',
    );
    expect(error.hint).to.equal(
      'imagePullPolicy is Never and image localhost/netpol-e2e/missing:v0 is not on the node: load it into the nodes (kind load docker-image localhost/netpol-e2e/missing:v0 --name netpol-e2e) or fix the image name',
    );
  });

  it('for a crashing container, includes its last log lines', async () => {
    const client = new FakeKubeClient();
    await client.apply(deployment());
    client.status = () => ({ availableReplicas: 0, updatedReplicas: 1 });
    client.logText = 'starting\nfatal: cannot reach datastore\n';
    client.pods = [
      pod('calico-kube-controllers-x', {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [{ name: 'calico-kube-controllers', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s' } } }],
      }),
    ];
    const error = (await waitForWorkload(client, controllers, { timeoutMs: 4000, intervalMs: 2000, clock: fakeClock() }).catch((e: unknown) => e)) as ClusterError;
    expect(error.message).to.contain('waiting (CrashLoopBackOff: back-off 2m40s), 5 restarts');
    expect(error.message).to.contain('last log lines: starting / fatal: cannot reach datastore');
    expect(error.hint).to.contain('keeps failing');
  });

  it('when no pods exist, reports the workload\'s own events', async () => {
    const client = new FakeKubeClient();
    await client.apply(deployment());
    client.status = () => ({ availableReplicas: 0 });
    client.events = [
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'kube-system' }, involvedObject: { name: 'calico-kube-controllers' }, reason: 'FailedCreate', message: 'serviceaccount "calico-kube-controllers" not found' },
    ];
    const error = (await waitForWorkload(client, controllers, { timeoutMs: 2000, intervalMs: 2000, clock: fakeClock() }).catch((e: unknown) => e)) as ClusterError;
    expect(error.message).to.contain('no pods of Deployment kube-system/calico-kube-controllers exist; its last events: FailedCreate: serviceaccount "calico-kube-controllers" not found');
  });

  it('a workload that never appears is reported as missing', async () => {
    const client = new FakeKubeClient();
    const error = (await waitForWorkload(client, controllers, { timeoutMs: 2000, intervalMs: 1000, clock: fakeClock() }).catch((e: unknown) => e)) as ClusterError;
    expect(error.message).to.equal('Deployment kube-system/calico-kube-controllers not ready after 2 s (it does not exist): Deployment kube-system/calico-kube-controllers does not exist');
  });
});

describe('waitForNodesReady', () => {
  it('reports which nodes are not Ready and why', async () => {
    const client = new FakeKubeClient();
    client.nodes = [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'cp' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w1' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false' }] } },
    ];
    const error = (await waitForNodesReady(client, { timeoutMs: 3000, intervalMs: 1000, clock: fakeClock() }).catch((e: unknown) => e)) as ClusterError;
    expect(error).to.be.instanceOf(ClusterError);
    expect(error.message).to.equal('nodes not Ready after 3 s: 1 of 2 nodes Ready; w1: KubeletNotReady (container runtime network not ready: NetworkReady=false)');
    expect(error.hint).to.contain('calico-node');
  });
});

describe('diagnosePods', () => {
  it('counts the ready pods of a selection and explains the others', async () => {
    const client = new FakeKubeClient();
    const probe = (name: string, status: object): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'np-1', labels: { 'netpol-e2e.io/run-id': 'r1' } },
      spec: { nodeName: 'w1', containers: [{ name: 'probe', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53' }] },
      status,
    });
    client.pods = [
      probe('a', { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }),
      probe('b', { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'probe', state: { waiting: { reason: 'ImagePullBackOff' } } }] }),
    ];
    const diagnosis = await diagnosePods(client, { namespace: 'np-1', labelSelector: 'netpol-e2e.io/run-id=r1' });
    expect(diagnosis.summary).to.equal(
      '1 of 2 pods in namespace np-1 with labels netpol-e2e.io/run-id=r1 ready; pod b on node w1 is Pending: container probe waiting (ImagePullBackOff), image registry.k8s.io/e2e-test-images/agnhost:2.53',
    );
    expect(diagnosis.hint).to.contain('the node cannot pull image registry.k8s.io/e2e-test-images/agnhost:2.53');
    expect((await diagnosePods(client, { namespace: 'empty' })).summary).to.equal('there are no pods in namespace empty');
  });
});
