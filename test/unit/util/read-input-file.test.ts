/** Input files are read as untrusted: regular files only, a size limit before and while reading, UTF-8 text. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { decodeText, readInputFile } from '../../../src/util/read-input-file.js';

describe('util/read-input-file', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'netpol-read-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const problemOf = async (file: string, maxFileSize?: number): Promise<string> => {
    const read = await readInputFile(file, maxFileSize === undefined ? {} : { maxFileSize });
    expect(read.ok, `${file} was read`).to.equal(false);
    return read.ok ? '' : read.problem;
  };

  it('reads a regular UTF-8 file (a BOM is dropped)', async () => {
    const file = path.join(dir, 'ok.yaml');
    await writeFile(file, '\ufeffkind: Suite\nname: café\n');
    expect(await readInputFile(file)).to.deep.equal({ ok: true, text: 'kind: Suite\nname: café\n' });
  });

  it('refuses devices, FIFOs and directories from their stat, before opening (a FIFO would block the open)', async () => {
    expect(await problemOf('/dev/zero')).to.equal('is a character device, not a regular file; only regular files are read');
    expect(await problemOf('/dev/urandom')).to.contain('character device');
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(await problemOf(fifo)).to.equal('is a FIFO (named pipe), not a regular file; only regular files are read');
    expect(await problemOf(dir)).to.contain('is a directory');
    expect(await problemOf(path.join(dir, 'missing.yaml'))).to.equal('does not exist');
  });

  it('checks the size before reading, and stops reading at the limit when the size is not known (/proc)', async () => {
    const file = path.join(dir, 'big.yaml');
    await writeFile(file, 'a'.repeat(2048));
    expect(await problemOf(file, 1024)).to.equal('is 2 KiB, over the limit of 1 KiB for one input file; raise it with --max-file-size if the file is meant');
    expect((await readInputFile(file, { maxFileSize: 2048 })).ok).to.equal(true);
    // /proc/self/maps reports size 0 but holds far more than 16 bytes.
    expect(await problemOf('/proc/self/maps', 16)).to.contain('larger than 16 bytes');
  });

  it('refuses binary input and invalid UTF-8, naming the line but never quoting the text', () => {
    const secret = 'TOKEN=abc123';
    const binary = decodeText(Buffer.from(`line one\n${secret}\0more`));
    expect(binary).to.deep.include({ ok: false, problem: 'is a binary file, not YAML text (a NUL byte on line 2)' });
    const latin1 = decodeText(Buffer.concat([Buffer.from(`a: 1\nb: 2\n${secret} `), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(latin1).to.deep.include({ ok: false, problem: 'is not UTF-8 text (an invalid byte on line 3); save it as UTF-8' });
    // A multi-byte character cut at the end of the text is invalid too.
    expect(decodeText(Buffer.from([0x61, 0x0a, 0xe2, 0x82])).ok).to.equal(false);
  });
});
