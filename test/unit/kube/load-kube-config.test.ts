import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKubeConfig } from '../../../src/kube/load-kube-config.js';
import { ClusterError } from '../../../src/util/errors.js';

function kubeconfig(options: { current?: string; server?: string; contexts?: { name: string; cluster: string }[]; cluster?: string }): string {
  const cluster = options.cluster ?? 'c1';
  const contexts = options.contexts ?? [{ name: 'ctx1', cluster }];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${cluster}`,
    '  cluster:',
    `    server: ${options.server ?? 'https://127.0.0.1:6443'}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: u1',
    '  user:',
    '    token: abc',
    'contexts:',
    ...contexts.flatMap((c) => [`- name: ${c.name}`, '  context:', `    cluster: ${c.cluster}`, '    user: u1']),
    ...(options.current !== undefined ? [`current-context: ${options.current}`] : []),
    '',
  ].join('\n');
}

function caught(fn: () => unknown): ClusterError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ClusterError);
    return error as ClusterError;
  }
  return expect.fail('expected a ClusterError');
}

describe('loadKubeConfig', () => {
  let dir: string;
  const home = (): string => path.join(dir, 'home');
  const noEnv = (): { env: Record<string, string>; homeDir: string } => ({ env: {}, homeDir: home() });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'netpol-kubeconfig-'));
    mkdirSync(home());
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads --kubeconfig with its current context', () => {
    const file = path.join(dir, 'kc.yaml');
    writeFileSync(file, kubeconfig({ current: 'ctx1', server: 'https://10.0.0.1:6443' }));
    const loaded = loadKubeConfig({ kubeconfig: file }, noEnv());
    expect(loaded.contextName).to.equal('ctx1');
    expect(loaded.server).to.equal('https://10.0.0.1:6443');
    expect(loaded.source).to.equal(`kubeconfig ${file}`);
  });

  it('selects --context, and names the available ones when it is unknown', () => {
    const file = path.join(dir, 'kc.yaml');
    writeFileSync(file, kubeconfig({ current: 'ctx1', contexts: [{ name: 'ctx1', cluster: 'c1' }, { name: 'ctx2', cluster: 'c1' }] }));
    expect(loadKubeConfig({ kubeconfig: file, context: 'ctx2' }, noEnv()).contextName).to.equal('ctx2');
    const error = caught(() => loadKubeConfig({ kubeconfig: file, context: 'prod' }, noEnv()));
    expect(error.message).to.equal(`context "prod" not found in kubeconfig ${file}; it defines: ctx1, ctx2`);
    expect(error.hint).to.contain('--context');
  });

  it('a missing --kubeconfig file is a ClusterError naming the path', () => {
    const file = path.join(dir, 'nope.yaml');
    const error = caught(() => loadKubeConfig({ kubeconfig: file }, noEnv()));
    expect(error.message).to.equal(`kubeconfig ${file} (from --kubeconfig) does not exist`);
  });

  it('an unreadable kubeconfig is a ClusterError with the parse failure as cause', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'clusters: [ {name: x} ]\ncontexts: {\n');
    const error = caught(() => loadKubeConfig({ kubeconfig: file }, noEnv()));
    expect(error.message).to.match(new RegExp(`^kubeconfig ${file.replace(/[/.]/g, '\\$&')} could not be read as a kubeconfig: `));
    expect(error.cause).to.be.instanceOf(Error);
  });

  it('no current-context and no --context is a ClusterError listing the contexts', () => {
    const file = path.join(dir, 'kc.yaml');
    writeFileSync(file, kubeconfig({}));
    const error = caught(() => loadKubeConfig({ kubeconfig: file }, noEnv()));
    expect(error.message).to.equal(`kubeconfig ${file} has no current-context and no --context was given; it defines: ctx1`);
  });

  it('a context whose cluster is not defined is a ClusterError', () => {
    const file = path.join(dir, 'kc.yaml');
    writeFileSync(file, kubeconfig({ current: 'ctx1', contexts: [{ name: 'ctx1', cluster: 'gone' }] }));
    const error = caught(() => loadKubeConfig({ kubeconfig: file }, noEnv()));
    expect(error.message).to.contain('refers to cluster "gone", which the kubeconfig does not define');
  });

  it('merges $KUBECONFIG files with the first one winning, skipping missing ones', () => {
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    writeFileSync(a, kubeconfig({ current: 'ctx-a', cluster: 'ca', server: 'https://a:6443', contexts: [{ name: 'ctx-a', cluster: 'ca' }] }));
    writeFileSync(b, kubeconfig({ current: 'ctx-b', cluster: 'cb', server: 'https://b:6443', contexts: [{ name: 'ctx-b', cluster: 'cb' }] }));
    const env = { env: { KUBECONFIG: [path.join(dir, 'missing'), a, b].join(path.delimiter) }, homeDir: home() };
    const loaded = loadKubeConfig({}, env);
    expect(loaded.contextName).to.equal('ctx-a');
    expect(loaded.server).to.equal('https://a:6443');
    expect(loadKubeConfig({ context: 'ctx-b' }, env).server).to.equal('https://b:6443');
  });

  it('$KUBECONFIG naming only missing files is a ClusterError', () => {
    const error = caught(() => loadKubeConfig({}, { env: { KUBECONFIG: path.join(dir, 'x') }, homeDir: home() }));
    expect(error.message).to.contain('none of these files exists');
  });

  it('falls back to ~/.kube/config', () => {
    mkdirSync(path.join(home(), '.kube'));
    writeFileSync(path.join(home(), '.kube', 'config'), kubeconfig({ current: 'ctx1' }));
    expect(loadKubeConfig({}, noEnv()).source).to.equal(`kubeconfig ${path.join(home(), '.kube', 'config')}`);
  });

  it('with nothing to load, says what was tried and how to choose', () => {
    const error = caught(() => loadKubeConfig({}, noEnv()));
    expect(error.message).to.contain('no kubeconfig found: --kubeconfig was not given, $KUBECONFIG is not set');
    expect(error.hint).to.contain('--cluster kind');
  });
});
