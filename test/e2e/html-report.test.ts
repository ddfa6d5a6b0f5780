/**
 * The HTML report in a real headless browser (Debian's chromium, driven by playwright-core): the page the CLI
 * writes renders offline (not one request leaves the file), a screenshot is a real image, and the "only
 * failures" filter hides what passed and shows it again.
 *
 * Browser: $NETPOL_E2E_CHROMIUM, else /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it).
 * Without one the test is skipped with the reason, unless NETPOL_E2E_REQUIRE_LIVE=1 or
 * NETPOL_E2E_REQUIRE_BROWSER=1 (as in CI), where that is a failure.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli } from './cli-process.js';

const CHROMIUM = process.env.NETPOL_E2E_CHROMIUM ?? '/usr/bin/chromium';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('HTML report in headless chromium', function () {
  this.timeout(120_000);
  let dir: string;
  let html: string;
  let browser: Browser | undefined;
  let page: Page;
  const requests: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const reason = `no chromium at ${CHROMIUM} (apt-get install chromium, or set NETPOL_E2E_CHROMIUM)`;
      if (process.env.NETPOL_E2E_REQUIRE_LIVE === '1' || process.env.NETPOL_E2E_REQUIRE_BROWSER === '1') throw new Error(`the HTML report test needs a browser: ${reason}`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'netpol-html-'));
    html = join(dir, 'report.html');
    const run = await runCli(['verify', 'test/fixtures/reports/suites/shop.yaml', 'test/fixtures/cli/ip-dependent.yaml', '--html', html]);
    expect(run.code, run.stderr).to.equal(1);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(html).href);
  });

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is one file without external references, and loads nothing but itself', async () => {
    const text = await readFile(html, 'utf8');
    expect(text).not.to.match(/\b(src|href)\s*=\s*["'](https?:)?\/\//i);
    expect(text).not.to.match(/@import|url\(\s*["']?https?:/i);
    expect(requests).to.deep.equal([pathToFileURL(html).href]);
  });

  it('renders the result, failures first with their file:line, and the truth tables as coloured grids', async () => {
    expect(await page.title()).to.equal('netpol-e2e verify failed');
    const first = await page.locator('body > section').first().getAttribute('id');
    expect(first).to.equal('problems');
    const problems = page.locator('#problems .problem');
    expect(await problems.count()).to.equal(2);
    expect(await problems.first().innerText()).to.include('test/fixtures/reports/suites/shop.yaml:35');
    const mismatch = page.locator('table.grid td.c.mismatch');
    expect(await mismatch.count()).to.equal(1);
    // Browser-side code as strings: this project's TypeScript has no DOM types.
    const background = (selector: string): Promise<string> => page.evaluate<string>(`getComputedStyle(document.querySelector('${selector}')).backgroundColor`);
    const colour = await background('table.grid td.c.mismatch');
    const matched = await background('table.grid td.c.match');
    expect(matched).to.match(/^rgb/);
    expect(colour).not.to.equal(matched);
    expect(await mismatch.getAttribute('title')).to.equal('expected denied, model allowed');
  });

  it('takes a non-empty screenshot', async () => {
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(0, 8).equals(PNG_SIGNATURE)).to.equal(true);
    expect(shot.length).to.be.greaterThan(20_000);
    // A full page, not an empty viewport: the content is taller than the window.
    const height = await page.evaluate<number>('document.body.scrollHeight');
    expect(height).to.be.greaterThan(900);
  });

  it('filters to failures offline, and back', async () => {
    const passedRows = page.locator('tr.passed');
    const total = await passedRows.count();
    expect(total).to.be.greaterThan(0);
    expect(await passedRows.first().isVisible()).to.equal(true);
    await page.locator('#only-problems').check();
    for (let i = 0; i < total; i += 1) expect(await passedRows.nth(i).isVisible()).to.equal(false);
    expect(await page.locator('tr.failed').first().isVisible()).to.equal(true);
    expect(await page.locator('#problems .problem').first().isVisible()).to.equal(true);
    await page.locator('#only-problems').uncheck();
    expect(await passedRows.first().isVisible()).to.equal(true);
  });

  it('opens filtered with #problems in the address', async () => {
    const filtered = await page.context().newPage();
    await filtered.goto(`${pathToFileURL(html).href}#problems`);
    expect(await filtered.locator('#only-problems').isChecked()).to.equal(true);
    expect(await filtered.locator('tr.passed').first().isVisible()).to.equal(false);
    await filtered.close();
  });
});
