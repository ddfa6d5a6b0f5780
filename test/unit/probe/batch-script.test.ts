import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BATCH_SCRIPT, buildBatchArgv, parseBatchOutput, probeLimitMs, SCRIPT_NAME } from '../../../src/probe/batch-script.js';
import { classifyProbe } from '../../../src/probe/classify-probe.js';
import type { ProbeRequest } from '../../../src/probe/probe-request.js';

const run = promisify(execFile);

describe('probe batch script', () => {
  const requests: ProbeRequest[] = [
    { id: 'p1', kind: 'tcp', target: '10.0.0.1:8080', timeoutMs: 2000 },
    { id: 'p2', kind: 'dns', target: 'api.prod.svc.cluster.local', timeoutMs: 1500 },
    { id: 'p3', kind: 'udp', target: '[fd00::5]:53', timeoutMs: 2500 },
  ];

  describe('buildBatchArgv', () => {
    it('runs a constant script and passes every target as an argument, five per probe', () => {
      const argv = buildBatchArgv(requests);
      expect(argv.slice(0, 4)).to.deep.equal(['/bin/sh', '-c', BATCH_SCRIPT, SCRIPT_NAME]);
      expect(argv.slice(4)).to.deep.equal([
        'p1', 'tcp', '10.0.0.1:8080', '2', '4',
        'p2', 'dns', 'api.prod.svc.cluster.local', '1.5', '2',
        'p3', 'udp', '[fd00::5]:53', '2.5', '5',
      ]);
      for (const r of requests) expect(BATCH_SCRIPT).not.to.contain(r.target);
    });
    it('refuses targets and ids that could be read as shell or options', () => {
      expect(() => buildBatchArgv([{ id: 'p1', kind: 'dns', target: '$(reboot)', timeoutMs: 1000 }])).to.throw(/not a host:port or DNS name/);
      expect(() => buildBatchArgv([{ id: 'p1', kind: 'dns', target: '-debug', timeoutMs: 1000 }])).to.throw(/not a host:port or DNS name/);
      expect(() => buildBatchArgv([{ id: 'p 1', kind: 'tcp', target: '1.2.3.4:80', timeoutMs: 1000 }])).to.throw(/unsafe/);
      expect(() => buildBatchArgv([requests[0] as ProbeRequest, requests[0] as ProbeRequest])).to.throw(/twice/);
    });
    it('bounds each probe: connect timeout plus the HTTP exchange for curl', () => {
      expect(probeLimitMs(requests[0] as ProbeRequest)).to.equal(4000);
      expect(probeLimitMs(requests[1] as ProbeRequest)).to.equal(2000);
    });
  });

  describe('parseBatchOutput', () => {
    const report = (id: string, code: string, out: string, err: string): string =>
      `NPE2E-RESULT\t${id}\t${code}\nNPE2E-STDOUT\n${out}${out ? '\n' : ''}NPE2E-STDERR\n${err}${err ? '\n' : ''}NPE2E-END\n`;
    it('reads each probe\'s exit code, stdout and stderr (several lines each)', () => {
      const parsed = parseBatchOutput(
        report('p2', '1', "Server:\t10.96.0.10\n\n** server can't find x: NXDOMAIN", '') + report('p1', '28', '000', 'curl: (28) timed out') + 'NPE2E-DONE\n',
      );
      expect(parsed.complete).to.equal(true);
      expect(parsed.stray).to.deep.equal([]);
      expect(parsed.results.get('p1')).to.include({ exitCode: 28, stdout: '000', stderr: 'curl: (28) timed out' });
      expect(parsed.results.get('p2')?.stdout).to.equal("Server:\t10.96.0.10\n\n** server can't find x: NXDOMAIN");
      expect(parsed.results.get('p2')?.evidence).to.equal("Server: 10.96.0.10 ** server can't find x: NXDOMAIN");
    });
    it('a probe without a recorded exit code has no result; a cut-off report and stray lines are noticed', () => {
      const parsed = parseBatchOutput(`garbage\n${report('p1', '-', '', '')}NPE2E-RESULT\tp2\t0\nNPE2E-STDOUT\n200\n`);
      expect(parsed.complete).to.equal(false);
      expect(parsed.results.size).to.equal(0);
      expect(parsed.stray).to.deep.equal(['garbage', 'NPE2E-RESULT p2: report cut off']);
    });
  });

  describe('the script itself (run by the local /bin/sh with stand-in curl and nslookup)', function () {
    this.timeout(15000);
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'npe2e-batch-'));
      await writeFile(
        join(dir, 'curl'),
        `#!/bin/sh
for last; do :; done
echo "$*" >> "${'$'}{NPE2E_ARGS_LOG}"
sleep 1
case "$last" in
  http://10.0.0.1:8080/) printf 200; exit 0 ;;
  http://10.0.0.2:8080/) printf 000; echo 'curl: (28) Connection timed out after 1000 milliseconds' >&2; exit 28 ;;
  *) printf 000; echo 'curl: (7) Failed to connect: Connection refused' >&2; exit 7 ;;
esac
`,
      );
      await writeFile(
        join(dir, 'nslookup'),
        `#!/bin/sh
for last; do :; done
echo "$*" >> "${'$'}{NPE2E_ARGS_LOG}"
if [ "$last" = ok.example ]; then printf 'Server:\\t10.96.0.10\\nAddress:\\t10.96.0.10#53\\n\\nName:\\tok.example\\nAddress: 1.2.3.4\\n'; exit 0; fi
printf "Server:\\t10.96.0.10\\n\\n** server can't find %s: NXDOMAIN\\n" "$last"; exit 1
`,
      );
      await chmod(join(dir, 'curl'), 0o755);
      await chmod(join(dir, 'nslookup'), 0o755);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('runs all probes concurrently and reports each, with the targets passed literally', async () => {
      const batch: ProbeRequest[] = [
        { id: 'a', kind: 'tcp', target: '10.0.0.1:8080', timeoutMs: 1000 },
        { id: 'b', kind: 'tcp', target: '10.0.0.2:8080', timeoutMs: 1000 },
        { id: 'c', kind: 'tcp', target: '10.0.0.3:8080', timeoutMs: 1000 },
        { id: 'd', kind: 'dns', target: 'ok.example', timeoutMs: 1000 },
        { id: 'e', kind: 'dns', target: 'nx.example', timeoutMs: 1000 },
        { id: 'f', kind: 'sctp', target: '10.0.0.4:80', timeoutMs: 1000 },
      ];
      const argv = buildBatchArgv(batch);
      const log = join(dir, 'args.log');
      const started = Date.now();
      const { stdout } = await run(argv[0] as string, argv.slice(1), {
        env: { PATH: `${dir}:/usr/bin:/bin`, NPE2E_ARGS_LOG: log },
      });
      const elapsed = Date.now() - started;
      expect(elapsed, 'five probes of one second each, run concurrently').to.be.below(3000);
      const parsed = parseBatchOutput(stdout);
      expect(parsed.complete).to.equal(true);
      expect(parsed.stray).to.deep.equal([]);
      const outcome = (id: string): string => {
        const raw = parsed.results.get(id);
        const request = batch.find((r) => r.id === id) as ProbeRequest;
        return raw ? classifyProbe(request.kind, raw.exitCode, raw.stdout, raw.stderr).outcome : 'missing';
      };
      expect(['a', 'b', 'c', 'd', 'e'].map(outcome)).to.deep.equal(['connected', 'timeout', 'refused', 'resolved', 'dns-nxdomain']);
      // there is no /agnhost on this machine: the probe is broken, and says so
      expect(outcome('f')).to.equal('exec-error');
      const { stdout: args } = await run('cat', [log]);
      expect(args).to.contain('-sS -o /dev/null -w %{http_code} --connect-timeout 1 --max-time 3 http://10.0.0.2:8080/');
      expect(args).to.contain('-timeout=1 -retry=1 nx.example');
    });
  });
});
