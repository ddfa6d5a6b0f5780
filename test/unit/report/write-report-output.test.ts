import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { NetpolError } from '../../../src/util/errors.js';
import { ReportWriteError, writeReportOutput } from '../../../src/report/index.js';
import { CollectStream } from './collect-stream.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('writeReportOutput', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netpol-report-out-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates parent directories and replaces the file', async () => {
    const file = join(dir, 'deep/er/report.xml');
    await writeReportOutput({ file }, 'one', 'junit');
    await writeReportOutput({ file }, 'two', 'junit');
    expect(await readFile(file, 'utf8')).to.equal('two');
  });

  it('appends when asked (as $GITHUB_STEP_SUMMARY wants)', async () => {
    const file = join(dir, 'summary.md');
    await writeReportOutput({ file, append: true }, 'one\n', 'markdown');
    await writeReportOutput({ file, append: true }, 'two\n', 'markdown');
    expect(await readFile(file, 'utf8')).to.equal('one\ntwo\n');
  });

  it('fails with a ReportWriteError naming the report, the path and the cause', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const error = await rejection(writeReportOutput({ file: join(blocker, 'junit.xml') }, 'x', 'junit'));
    expect(error).to.be.instanceOf(ReportWriteError);
    expect(error).to.be.instanceOf(NetpolError);
    const writeError = error as ReportWriteError;
    expect(writeError.message).to.match(/^the junit report could not be written to .*not-a-dir\/junit\.xml: /);
    expect(writeError.hint).to.match(/writable file path for the junit report/);
    expect(writeError.destination).to.equal(join(blocker, 'junit.xml'));
    expect(writeError.cause).to.be.instanceOf(Error);
  });

  it('writes to a plain stream and leaves it open', async () => {
    const stream = new CollectStream();
    await writeReportOutput({ stream }, 'hello', 'console');
    expect(stream.text()).to.equal('hello');
  });

  it('waits for a Node stream to accept the write, and reports its failure without crashing', async () => {
    const written: string[] = [];
    const good = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString());
        setImmediate(callback);
      },
    });
    await writeReportOutput({ stream: good }, 'ok', 'json');
    expect(written).to.deep.equal(['ok']);

    const bad = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE: broken pipe'));
      },
    });
    const error = await rejection(writeReportOutput({ stream: bad }, 'x', 'json'));
    expect(error).to.be.instanceOf(ReportWriteError);
    expect((error as Error).message).to.equal('the json report could not be written to its stream: EPIPE: broken pipe');

    const ended = new Writable({ write: (_c, _e, cb) => cb() });
    ended.end();
    expect(await rejection(writeReportOutput({ stream: ended }, 'x', 'json'))).to.be.instanceOf(ReportWriteError);
  });

  it('reports a plain stream whose write throws', async () => {
    const stream = {
      write(): boolean {
        throw new Error('closed');
      },
    };
    const error = await rejection(writeReportOutput({ stream }, 'x', 'markdown'));
    expect((error as Error).message).to.equal('the markdown report could not be written to its stream: closed');
  });
});
