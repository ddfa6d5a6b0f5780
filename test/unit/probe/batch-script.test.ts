import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
      // a stand-in for `curl --parallel`: one process, transfers separated by --next, one -w line each,
      // printed in completion order (here: reversed), so the script must map lines to probes by id
      await writeFile(
        join(dir, 'curl'),
        `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.NPE2E_ARGS_LOG, args.join(' ') + '\\n');
const groups = [[]];
for (const a of args) a === '--next' ? groups.push([]) : groups[groups.length - 1].push(a);
const answers = {
  'http://10.0.0.1:8080/': [0, '200', ''],
  'http://10.0.0.2:8080/': [28, '000', 'Connection timed out after 1000 milliseconds'],
  'http://10.0.0.9:8080/': undefined,
};
let rc = 0;
const lines = groups.map((g) => {
  const url = g[g.length - 1];
  const answer = url in answers ? answers[url] : [7, '000', 'Failed to connect: Connection refused'];
  if (!answer) { rc = 2; return ''; }
  if (answer[0] !== 0) rc = answer[0];
  return g[g.indexOf('-w') + 1]
    .replace('%{exitcode}', answer[0]).replace('%{http_code}', answer[1]).replace('%{errormsg}', answer[2])
    .replace(/\\\\t/g, '\\t').replace(/\\\\n/g, '\\n');
});
if (rc === 2) process.stderr.write('curl: (2) stand-in refuses 10.0.0.9\\n');
setTimeout(() => { process.stdout.write(lines.reverse().join('')); process.exit(rc); }, 1000);
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
      const curlCalls = args.split('\n').filter((line) => line.includes('--parallel'));
      expect(curlCalls, 'one curl for every TCP probe').to.have.length(1);
      expect(curlCalls[0]).to.contain('-g -o /dev/null -w b\\t%{exitcode}\\t%{http_code}\\t%{errormsg}\\n --connect-timeout 1 --max-time 3 http://10.0.0.2:8080/');
      expect(curlCalls[0]?.split(' --next ')).to.have.length(3);
      expect(args).to.contain('-timeout=1 -retry=1 nx.example');
    });

    it('a TCP probe curl reports nothing for is no result, with curl\'s own error as evidence', async () => {
      const argv = buildBatchArgv([
        { id: 'ok', kind: 'tcp', target: '10.0.0.1:8080', timeoutMs: 1000 },
        { id: 'lost', kind: 'tcp', target: '10.0.0.9:8080', timeoutMs: 1000 },
      ]);
      const { stdout, stderr } = await run(argv[0] as string, argv.slice(1), {
        env: { PATH: `${dir}:/usr/bin:/bin`, NPE2E_ARGS_LOG: join(dir, 'args2.log') },
      });
      const parsed = parseBatchOutput(stdout);
      expect(parsed.complete).to.equal(true);
      expect(parsed.results.get('ok')).to.include({ exitCode: 0, stdout: '200' });
      expect(parsed.results.has('lost')).to.equal(false);
      expect(stderr).to.contain('curl exited 2 without reporting every probe');
      expect(stderr).to.contain('stand-in refuses 10.0.0.9');
    });
  });

  describe('the script with the real curl of this machine', function () {
    this.timeout(15000);
    it('connected and refused, each probe its own transfer, as the probe pods run it', async function () {
      const curl = await run('curl', ['--version']).catch(() => undefined);
      if (!curl) this.skip(); // the probe image has curl; this machine may not
      const server = createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      try {
        const port = (server.address() as AddressInfo).port;
        const batch: ProbeRequest[] = [
          { id: 'open1', kind: 'tcp', target: `127.0.0.1:${port}`, timeoutMs: 1000 },
          { id: 'closed', kind: 'tcp', target: `127.0.0.1:${closedPort}`, timeoutMs: 1000 },
          { id: 'open2', kind: 'tcp', target: `localhost:${port}`, timeoutMs: 1000 },
        ];
        const argv = buildBatchArgv(batch);
        const { stdout } = await run(argv[0] as string, argv.slice(1));
        const parsed = parseBatchOutput(stdout);
        expect(parsed.complete).to.equal(true);
        expect(parsed.stray).to.deep.equal([]);
        const outcome = (id: string): string => {
          const raw = parsed.results.get(id);
          return raw ? classifyProbe('tcp', raw.exitCode, raw.stdout, raw.stderr).outcome : 'missing';
        };
        expect(batch.map((r) => outcome(r.id))).to.deep.equal(['connected', 'refused', 'connected']);
        expect(parsed.results.get('closed')?.stderr).to.match(/^curl: \(7\) Failed to connect to 127\.0\.0\.1 port \d+/);
        expect(parsed.results.get('open1')).to.include({ stdout: '200', stderr: '' });
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
