import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { writeReport } from '../../src/report/writeReport.ts';
import { makeFixture } from '../fixtures/results/makeFixture.ts';
import { readResults } from '../../src/pipeline/resultsFolder.ts';
import { withSteeringStudy } from '../../src/pipeline/steeringStudyFile.ts';
import type { ResultsView } from '../../src/protocol/results.ts';
import { resultsFolderWithStudy, studyRecord, studyView } from '../fixtures/steeringStudy.ts';
import { buildBundles } from './support/buildBundles.ts';
import { chromiumSkipReason, launchChromium } from './support/chromium.ts';
import { legendLabels, probeCanvas, tableRows } from './support/pageProbes.ts';

const SCREENSHOTS = 'test-output/webview';
const CHARTS = ['perLayer', 'lapeHistogram', 'activation', 'overlap', 'perplexity'];

/** The inlined results of a report.html. */
const inlinedData = (html: string): ResultsView => JSON.parse(/<script type="application\/json" id="lape-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? 'null') as ResultsView;


/** A fresh page that records every request it makes and every console error or warning. */
async function watchedPage(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    // The readback hint comes from the test's own pixel probes.
    if ((m.type() === 'error' || m.type() === 'warning') && !m.text().includes('willReadFrequently')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, requests, problems };
}

describe('report.html', () => {
  const view = makeFixture();
  let assets: string;
  let reportFile: string;
  /** The report of a results folder that holds the recorded steering study. */
  let studyDir: string;
  let studyReport: string;

  before(async () => {
    assets = await buildBundles();
    reportFile = await writeReport(await mkdtemp(join(tmpdir(), 'lape-report-')), view, { assetsDir: assets });
    studyDir = resultsFolderWithStudy();
    studyReport = await writeReport(studyDir, withSteeringStudy(studyDir, readResults(studyDir)), { assetsDir: assets });
  });

  it('is one self-contained file with a nonce CSP and the data inline', async () => {
    const html = await readFile(reportFile, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
    assert.ok(nonce.length >= 16, csp);
    assert.match(csp, /^default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+'; img-src data:/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(html.match(/<script nonce="/g)?.length, 1);
    assert.equal(html.match(/<style nonce="/g)?.length, 1);
    assert.doesNotMatch(html, /\b(src|href)="(?!data:)[^"]+"/, 'no external resource');
    assert.doesNotMatch(html, /sourceMappingURL/);
    assert.deepEqual(inlinedData(html), view);
    assert.equal('steeringStudy' in inlinedData(html), false, 'no study in a folder without one');
  });

  it('inlines the steering study of its results folder, when there is one', async () => {
    const data = inlinedData(await readFile(studyReport, 'utf8'));
    assert.deepEqual(data.steeringStudy, studyView());
    assert.equal(data.steeringStudy?.verdict, studyRecord().verdict);
    assert.deepEqual(data.summary, readResults(studyDir).summary);
  });

  it('uses a fresh nonce for every report', async () => {
    const again = await writeReport(await mkdtemp(join(tmpdir(), 'lape-report-')), view, { assetsDir: assets });
    const nonceOf = async (f: string) => /'nonce-([^']+)'/.exec(await readFile(f, 'utf8'))?.[1];
    assert.notEqual(await nonceOf(again), await nonceOf(reportFile));
  });

  it('tells to build when the scripts are missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lape-noassets-'));
    await assert.rejects(writeReport(empty, view, { assetsDir: empty }), /npm run build/);
  });

  it('finds its scripts next to a bundle, as dist/cli.js (ESM) and dist/extension.cjs (CJS)', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'lape-dist-'));
    await cp(assets, join(dist, 'webview'), { recursive: true });
    const entry = fileURLToPath(new URL('../../src/report/writeReport.ts', import.meta.url));
    const common: esbuild.BuildOptions = { entryPoints: [entry], bundle: true, platform: 'node', logLevel: 'silent' };
    await esbuild.build({ ...common, format: 'esm', outfile: join(dist, 'cli.js') });
    await esbuild.build({ ...common, format: 'cjs', outfile: join(dist, 'extension.cjs') });
    const esm = (await import(pathToFileURL(join(dist, 'cli.js')).href)) as typeof import('../../src/report/writeReport.ts');
    const cjs = createRequire(import.meta.url)(join(dist, 'extension.cjs')) as typeof import('../../src/report/writeReport.ts');
    for (const mod of [esm, cjs]) {
      const file = await mod.writeReport(await mkdtemp(join(tmpdir(), 'lape-report-')), view);
      assert.match(await readFile(file, 'utf8'), /id="lape-data"/);
    }
  });

  describe('in Chromium', () => {
    const skip = chromiumSkipReason();
    let browser: Browser;
    before(async () => {
      if (skip) return;
      await mkdir(SCREENSHOTS, { recursive: true });
      browser = await launchChromium();
    });
    after(async () => browser?.close());

    it('renders every chart offline, read-only, and downloads exports', { skip }, async () => {
      const { context, page, requests, problems } = await watchedPage(browser);
      try {
        const url = pathToFileURL(reportFile).href;
        await page.goto(url);
        await page.waitForFunction(() => document.querySelectorAll('#card-perLayer .legend-item').length > 0);
        for (const chart of CHARTS) assert.ok((await probeCanvas(page, `#card-${chart} canvas`)).colors > 8, `${chart} is drawn`);
        assert.deepEqual(await legendLabels(page, 'perLayer'), view.summary.languages);
        assert.equal((await tableRows(page, 'perplexity')).length, 2);
        assert.deepEqual(await page.$$eval('input[type=range]', (inputs) => inputs.map((i) => (i as HTMLInputElement).disabled)), [true, true, true]);
        assert.equal(await page.$('vscode-button.reveal'), null, 'no tree to reveal in');
        assert.deepEqual((await probeCanvas(page, '#card-perLayer canvas')).corner.slice(0, 3), [255, 255, 255], 'light theme by default');
        assert.equal(await page.isVisible('#steering-study'), false, 'no steering study section without a study');
        await page.screenshot({ path: `${SCREENSHOTS}/report.png`, fullPage: true });

        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#card-overlap vscode-button.export')]);
        assert.equal(download.suggestedFilename(), 'lape-overlap.png');
        assert.deepEqual(requests, [url], 'the report loads nothing but itself');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });

    it('draws the steering study: success matrix, gain against fluency, verdict and tables, keyboard-reachable', { skip }, async () => {
      const study = studyView();
      const { context, page, requests, problems } = await watchedPage(browser);
      try {
        const url = pathToFileURL(studyReport).href;
        await page.goto(url);
        await page.waitForSelector('#steering-study:not([hidden])');
        assert.equal(await page.textContent('#steering-study h2'), 'Steering study');
        assert.equal(await page.textContent('#steering-study .study-verdict'), study.verdict);
        assert.match((await page.textContent('#steering-study .meta')) ?? '', /^gemma-3-270m-q4_k_m\.gguf · seed 13 · 10 prompts/);
        for (const chart of ['studySuccess', 'studyTradeoff']) assert.ok((await probeCanvas(page, `#card-${chart} canvas`)).colors > 8, `${chart} is drawn`);

        // The matrix's numbers, for screen readers: one row per method, one column per target.
        const [success] = await tableRows(page, 'studySuccess');
        assert.deepEqual(success[0].slice(1), study.targets);
        assert.deepEqual(success.slice(1).map((r) => r[0]), study.methods.map((m) => m.name));
        assert.deepEqual(success.find((r) => r[0] === 'force (defaults)'), ['force (defaults)', '40%', '90%', '70%', '0%', '50%', '10%']);
        assert.ok((await legendLabels(page, 'studySuccess')).includes('force (defaults): best method (the verdict’s)'));
        assert.match((await page.getAttribute('#card-studyTradeoff canvas', 'aria-label')) ?? '', /Best method: force \(defaults\), gain 43\.3 points at ×1\.87/);

        // The per-method figures sit behind a disclosure that the keyboard opens.
        assert.equal(await page.isVisible('#card-studyTradeoff .data-table table'), false);
        await page.focus('#card-studyTradeoff summary');
        await page.keyboard.press('Enter');
        assert.equal(await page.isVisible('#card-studyTradeoff .data-table table'), true);
        const [figures] = await tableRows(page, 'studyTradeoff');
        assert.equal(figures.length, 1 + study.summaries.length);
        assert.deepEqual(figures.find((r) => r[0] === 'force (defaults) (best)'), ['force (defaults) (best)', '43.3', '4 of 6', '×1.87', '×3.14', 'yes']);
        await page.locator('#steering-study').screenshot({ path: `${SCREENSHOTS}/report-study.png` });

        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#card-studyTradeoff vscode-button.export')]);
        assert.equal(download.suggestedFilename(), 'lape-studyTradeoff.png');
        assert.deepEqual(requests, [url], 'the report loads nothing but itself');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  });
});
