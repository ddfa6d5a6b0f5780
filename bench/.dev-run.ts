import { createKubeClient } from '../src/kube/kube-client.js';
import { loadSuites } from '../src/suite/index.js';
import { runLive, partialResultOf } from '../src/engine/live/index.js';
import { countRun } from '../src/engine/results.js';

const files = process.argv.slice(2);
const kube = await createKubeClient({});
const suites = await loadSuites(files);
const controller = new AbortController();
process.on('SIGINT', () => controller.abort('SIGINT'));
try {
  const result = await runLive(suites, {
    kube,
    probeImage: 'localhost/netpol-e2e/probe:k8s-v1.32.13',
    imagePullPolicy: 'Never',
    artifactsDir: '/tmp/live-dev/artifacts',
    keep: process.env.KEEP === '1',
    signal: controller.signal,
    reporter: {
      onStepBegin: (s, st) => console.log(`step ${s} ${st.index} ${st.name}`),
      onCell: (s, c) => console.log(`${c.status.padEnd(7)} ${c.name} :: ${c.observed?.outcome} ${c.message ?? ''}`),
      onEnd: () => undefined,
    },
  });
  console.log(JSON.stringify({ counts: countRun(result), timings: result.timings, env: result.environment, errors: result.errors, suiteTimings: result.suites.map((s) => s.timings) }, null, 2));
} catch (error) {
  console.log('ERROR', error);
  const partial = partialResultOf(error);
  if (partial) console.log(JSON.stringify({ errors: partial.errors, suites: partial.suites.map((s) => ({ n: s.name, e: s.errors })), timings: partial.timings }, null, 2));
}
