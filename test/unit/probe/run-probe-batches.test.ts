import { expect } from 'chai';
import type { ExecOptions, ExecResult, KubeClient } from '../../../src/kube/types.js';
import { DONE_MARKER, END_MARKER, RESULT_PREFIX, STDERR_MARKER, STDOUT_MARKER } from '../../../src/probe/batch-script.js';
import { runProbeBatches, type ProbeBatch } from '../../../src/probe/run-probe-batches.js';
import { ExecError } from '../../../src/util/errors.js';

/** Only exec matters here; it answers from a table keyed by pod. */
function kubeWith(exec: (pod: string, argv: string[], options: ExecOptions) => Promise<ExecResult>): KubeClient & { calls: string[] } {
  const calls: string[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('not used in this test');
  };
  return {
    calls,
    contextName: 'test',
    server: 'https://test',
    version: unused,
    apply: unused,
    get: unused,
    list: unused,
    delete: unused,
    logs: unused,
    checkAccess: unused,
    exec: async (_namespace: string, pod: string, argv: string[], options: ExecOptions) => {
      calls.push(pod);
      return exec(pod, argv, options);
    },
  };
}

const line = (id: string, code: number, out: string, err = ''): string => [`${RESULT_PREFIX}\t${id}\t${code}`, STDOUT_MARKER, out, STDERR_MARKER, err, END_MARKER].join('\n');

const batches: ProbeBatch[] = [
  {
    namespace: 'ns',
    pod: 'a',
    container: 'probe',
    requests: [
      { id: 'p1', kind: 'tcp', target: '10.0.0.1:80', timeoutMs: 2000 },
      { id: 'p2', kind: 'tcp', target: '10.0.0.2:80', timeoutMs: 2000 },
    ],
  },
  { namespace: 'ns', pod: 'b', container: 'probe', requests: [{ id: 'p3', kind: 'dns', target: 'x.example', timeoutMs: 2000 }] },
];

describe('runProbeBatches', () => {
  it('makes one exec per source pod, carrying all its probes, bounded by the longest probe', async () => {
    const timeouts: number[] = [];
    const kube = kubeWith(async (pod, _argv, options) => {
      timeouts.push(options.timeoutMs);
      expect(options.container).to.equal('probe');
      const stdout = pod === 'a' ? [line('p2', 28, '000', 'curl: (28) timed out'), line('p1', 0, '200'), DONE_MARKER] : [line('p3', 1, "** server can't find x.example: NXDOMAIN"), DONE_MARKER];
      return { exitCode: 0, stdout: `${stdout.join('\n')}\n`, stderr: '' };
    });
    const results = await runProbeBatches(kube, batches, { concurrency: 4 });
    expect(kube.calls.sort()).to.deep.equal(['a', 'b']);
    expect(timeouts.every((t) => t >= 4000)).to.equal(true);
    expect([...results].map(([id, r]) => [id, r.outcome]).sort()).to.deep.equal([
      ['p1', 'connected'],
      ['p2', 'timeout'],
      ['p3', 'dns-nxdomain'],
    ]);
  });

  it('one exec per probe, for comparison', async () => {
    const kube = kubeWith(async (_pod, argv) => ({ exitCode: 0, stdout: `${line(argv[4] as string, 0, '200')}\n${DONE_MARKER}\n`, stderr: '' }));
    await runProbeBatches(kube, batches, { concurrency: 2, mode: 'per-probe' });
    expect(kube.calls).to.have.length(3);
  });

  it('an exec transport failure is an exec-error of every probe it carried, never a block', async () => {
    const kube = kubeWith(async (pod) => {
      if (pod === 'a') throw new ExecError('exec into pod ns/a failed: websocket closed (pod ns/a is Running, container probe is running)');
      return { exitCode: 0, stdout: `${line('p3', 0, 'Name: x.example Address: 1.2.3.4')}\n${DONE_MARKER}\n`, stderr: '' };
    });
    const results = await runProbeBatches(kube, batches, { concurrency: 1 });
    expect(results.get('p1')?.outcome).to.equal('exec-error');
    expect(results.get('p2')?.detail).to.contain('websocket closed');
    expect(results.get('p3')?.outcome).to.equal('resolved');
  });

  it('a probe missing from the output (script died, no sh in the image) is an exec-error saying so', async () => {
    const kube = kubeWith(async () => ({ exitCode: 126, stdout: '', stderr: 'exec: "/bin/sh": stat /bin/sh: no such file or directory' }));
    const results = await runProbeBatches(kube, [batches[1] as ProbeBatch], { concurrency: 1 });
    expect(results.get('p3')?.outcome).to.equal('exec-error');
    expect(results.get('p3')?.detail).to.match(/exited 126 before finishing.*no such file/);
  });

  it('an abort stops before the next exec and rejects with the reason', async () => {
    const controller = new AbortController();
    const kube = kubeWith(async () => {
      controller.abort('SIGINT');
      return { exitCode: 0, stdout: `${DONE_MARKER}\n`, stderr: '' };
    });
    const error = await runProbeBatches(kube, batches, { concurrency: 1, signal: controller.signal }).then(() => undefined, (e: unknown) => e);
    expect(error).to.equal('SIGINT');
    expect(kube.calls).to.have.length(1);
  });
});
