import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ResultsView } from '../../src/protocol/results.ts';
import type { FromWebview, IdentifyMessage } from '../../src/protocol/webviewMessages.ts';
import { formatChange } from '../../webview/format.ts';
import { makeFixture } from '../fixtures/results/makeFixture.ts';
import { buildBundles } from './support/buildBundles.ts';
import { chromiumSkipReason, launchChromium } from './support/chromium.ts';
import { legendLabels, probeCanvas, tableRows } from './support/pageProbes.ts';
import { openPanel, startPanelServer, type OpenPanelOptions, type PanelPage } from './support/panelPage.ts';
import type { StaticServer } from './support/staticServer.ts';
import { DARK_THEME, LIGHT_THEME } from './support/themes.ts';
import { studyView } from '../fixtures/steeringStudy.ts';

const SCREENSHOTS = 'test-output/webview';
const CHARTS = ['perLayer', 'lapeHistogram', 'activation', 'overlap', 'perplexity'];
const skip = chromiumSkipReason();

// Each test is skipped on its own, so the runner's summary counts them as skipped.
describe('LAPE panel in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  const view: ResultsView = makeFixture();
  const languages = view.summary.languages;

  before(async () => {
    if (skip) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await startPanelServer(await buildBundles());
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function initPanel(panel: PanelPage, v: ResultsView = view): Promise<void> {
    await panel.send({ type: 'init', view: v, ui: { canIdentify: true, busy: false } });
    await panel.page.waitForFunction(() => document.querySelectorAll('#card-perLayer .legend-item').length > 0);
  }

  /** Opens a panel, runs the test, then checks the page logged no error and broke no CSP rule. */
  async function withPanel(options: OpenPanelOptions, test: (panel: PanelPage) => Promise<void>): Promise<void> {
    const panel = await openPanel(browser, server, options);
    try {
      await test(panel);
      // A round trip, so that errors the page raised during the test have arrived.
      await panel.page.evaluate(() => document.readyState);
      assert.deepEqual(await panel.cspViolations(), [], 'CSP violations');
      assert.deepEqual(panel.consoleErrors, [], 'console errors');
      for (const url of panel.requests) assert.ok(url.startsWith(`${server.origin}/`), `only local requests, got ${url}`);
    } finally {
      await panel.close();
    }
  }

  const identifies = (posted: FromWebview[]): IdentifyMessage[] => posted.filter((m): m is IdentifyMessage => m.type === 'identify');

  it('renders every chart from init, with legends, heatmap values, no CSP violations and no remote loads', { skip }, async () => {
    await withPanel({ theme: DARK_THEME }, async (panel) => {
      assert.deepEqual(await panel.posted(), [{ type: 'ready' }]);
      await initPanel(panel);
      for (const chart of CHARTS) {
        const probe = await probeCanvas(panel.page, `#card-${chart} canvas`);
        assert.ok(probe.width > 100 && probe.height > 100, `${chart} canvas has a size`);
        assert.ok(probe.colors > 8, `${chart} canvas is drawn (${probe.colors} colours)`);
      }
      for (const chart of ['perLayer', 'overlap', 'perplexity']) assert.deepEqual(await legendLabels(panel.page, chart), languages, `${chart} legend`);
      assert.deepEqual((await legendLabels(panel.page, 'activation')).slice(0, languages.length), languages);

      const overlap = await tableRows(panel.page, 'overlap');
      assert.equal(overlap.length, 1);
      assert.deepEqual(overlap[0][0].slice(1), languages);
      languages.forEach((_, i) => assert.equal(overlap[0][i + 1][i + 1], String(view.summary.overlap[i][i])));

      const ppl = await tableRows(panel.page, 'perplexity');
      assert.equal(ppl.length, 2, 'deactivated and random matrices');
      assert.equal(ppl[0][2][2], formatChange(view.summary.pplChange![1][1]));
      assert.equal(ppl[1][2][2], formatChange(view.summary.randomPplChange![1][1]));
      assert.match(ppl[0][2][2], /^\+\d+\.\d%$/);

      const heading = await panel.page.textContent('h1');
      assert.match(heading ?? '', /tinyllama-7lang-q8_0\.gguf/);
      assert.equal(await panel.page.getAttribute('#card-perLayer canvas', 'role'), 'img');
      assert.match((await panel.page.getAttribute('#card-perLayer canvas', 'aria-label')) ?? '', /Stacked bar chart/);

      await panel.page.screenshot({ path: `${SCREENSHOTS}/panel-dark.png`, fullPage: true });
      assert.deepEqual(panel.requests.map((u) => new URL(u).pathname).sort(), ['/index.html', '/lape.css', '/panel.js']);
    });
  });

  it('posts exactly one debounced identify for keyboard slider moves and shows busy until results arrive', { skip }, async () => {
    await withPanel({ theme: DARK_THEME, clock: true }, async (panel) => {
      await initPanel(panel);
      await panel.page.clock.pauseAt(new Date('2024-08-14T11:00:00Z'));
      await panel.page.focus('#slider-topRate');
      for (let i = 0; i < 3; i++) await panel.page.keyboard.press('ArrowRight');
      assert.equal(await panel.page.textContent('output[for="slider-topRate"]'), '1.3%');
      await panel.page.clock.runFor(249);
      assert.equal(identifies(await panel.posted()).length, 0, 'nothing before the debounce delay');
      await panel.page.clock.runFor(2);
      const sent = identifies(await panel.posted());
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0].params, { topRate: 0.013, filterRate: 0.95, activationBarRatio: 0.95 });
      assert.ok(Number.isInteger(sent[0].requestId));
      await panel.page.clock.runFor(2000);
      assert.equal(identifies(await panel.posted()).length, 1, 'still one after the burst');

      assert.equal(await panel.page.getAttribute('main', 'aria-busy'), 'true');
      assert.equal(await panel.page.isVisible('vscode-progress-bar.busy'), true);
      assert.match((await panel.page.textContent('.status')) ?? '', /Identifying with top_rate 1\.3%/);
      assert.deepEqual(((await panel.state()) as { params: unknown }).params, sent[0].params);

      const updated = makeFixture(sent[0].params);
      await panel.send({ type: 'results', view: updated, requestId: sent[0].requestId });
      await panel.page.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false');
      assert.equal(await panel.page.isVisible('vscode-progress-bar.busy'), false);
      assert.match((await panel.page.textContent('.meta')) ?? '', new RegExp(`${updated.neurons.selected.length} neurons selected \\(top_rate 1\\.3%\\)`));
      assert.equal(await panel.page.inputValue('#slider-topRate'), '0.013');
      const threshold = updated.summary.lapeHistogram.selectionThreshold.toFixed(3);
      assert.deepEqual((await legendLabels(panel.page, 'lapeHistogram'))[2], `selection threshold (${threshold})`);
    });
  });

  it('ignores a stale answer and leaves busy on error', { skip }, async () => {
    await withPanel({ theme: DARK_THEME, clock: true }, async (panel) => {
      await initPanel(panel);
      await panel.page.clock.pauseAt(new Date('2024-08-14T11:00:00Z'));
      await panel.page.focus('#slider-filterRate');
      await panel.page.keyboard.press('ArrowLeft');
      await panel.page.clock.runFor(300);
      await panel.page.keyboard.press('ArrowLeft');
      await panel.page.clock.runFor(300);
      const [first, second] = identifies(await panel.posted());
      assert.ok(second.requestId > first.requestId);
      assert.equal(second.params.filterRate, 0.948);
      await panel.send({ type: 'results', view: makeFixture(first.params), requestId: first.requestId });
      assert.equal(await panel.page.getAttribute('main', 'aria-busy'), 'true', 'an older answer does not end the wait');
      await panel.send({ type: 'error', message: 'Identification failed: stats file missing', requestId: second.requestId });
      await panel.page.waitForSelector('.error:not([hidden])');
      assert.equal(await panel.page.getAttribute('main', 'aria-busy'), 'false');
      assert.match((await panel.page.textContent('.error')) ?? '', /stats file missing/);
    });
  });

  it('filters languages from the keyboard, posts filterLanguages and redraws without them', { skip }, async () => {
    await withPanel({ theme: DARK_THEME }, async (panel) => {
      await initPanel(panel);
      await panel.page.focus('vscode-checkbox[data-lang="zh"]');
      await panel.page.keyboard.press('Space');
      await panel.page.waitForFunction(() => window.__posted.some((m) => m.type === 'filterLanguages'));
      const posted = (await panel.posted()).filter((m) => m.type === 'filterLanguages');
      assert.deepEqual(posted, [{ type: 'filterLanguages', languages: languages.filter((l) => l !== 'zh') }]);
      const rest = languages.filter((l) => l !== 'zh');
      assert.deepEqual(await legendLabels(panel.page, 'perLayer'), rest);
      assert.deepEqual((await tableRows(panel.page, 'overlap'))[0][0].slice(1), rest);
      assert.deepEqual(((await panel.state()) as { hiddenLanguages: string[] }).hiddenLanguages, ['zh']);
      const listed = await panel.page.$$eval('#neuron-list option', (o) => o.map((x) => x.textContent ?? ''));
      assert.ok(listed.length > 0 && listed.every((t) => !/\bzh\b/.test(t) || /\bja\b/.test(t)), 'zh-only neurons leave the list');
      assert.ok((await probeCanvas(panel.page, '#card-perLayer canvas')).colors > 8);
    });
  });

  it('keeps the selection and filter across a reload through getState', { skip }, async () => {
    const picks = view.neurons.selected.slice(5, 8).map((n) => `${n.layer}:${n.index}`);
    let saved: unknown;
    await withPanel({ theme: DARK_THEME }, async (first) => {
      await initPanel(first);
      await first.page.selectOption('#neuron-list', picks);
      await first.page.focus('vscode-checkbox[data-lang="en"]');
      await first.page.keyboard.press('Space');
      await first.page.waitForFunction(() => (window.__state as { hiddenLanguages?: string[] })?.hiddenLanguages?.length === 1);
      saved = await first.state();
    });
    await withPanel({ theme: DARK_THEME, state: saved }, async (second) => {
      await initPanel(second);
      const selected = await second.page.$$eval('#neuron-list option', (o) => (o as HTMLOptionElement[]).filter((x) => x.selected).map((x) => x.value));
      assert.deepEqual(selected.sort(), [...picks].sort());
      assert.equal(await second.page.$eval('vscode-checkbox[data-lang="en"]', (b) => (b as HTMLElement & { checked: boolean }).checked), false);
      const label = (await second.page.getAttribute('#card-activation canvas', 'aria-label')) ?? '';
      for (const n of view.neurons.selected.slice(5, 8)) assert.ok(label.includes(`L${n.layer} #${n.index}`), label);
    });
  });

  it('reveals a neuron the host asks for, and asks the host to reveal in the tree', { skip }, async () => {
    await withPanel({ theme: DARK_THEME }, async (panel) => {
      await initPanel(panel);
      const target = view.neurons.selected[view.neurons.selected.length - 1];
      await panel.send({ type: 'revealNeuron', layer: target.layer, index: target.index });
      await panel.page.waitForFunction((v) => (document.querySelector('#neuron-list') as HTMLSelectElement).value === v, `${target.layer}:${target.index}`);
      assert.deepEqual(((await panel.state()) as { selected: unknown }).selected, [{ layer: target.layer, index: target.index }]);
      await panel.page.click('vscode-button.reveal');
      assert.deepEqual((await panel.posted()).filter((m) => m.type === 'revealInTree'), [{ type: 'revealInTree', layer: target.layer, index: target.index }]);
    });
  });

  it('exports each chart as a PNG data URL', { skip }, async () => {
    await withPanel({ theme: DARK_THEME }, async (panel) => {
      await initPanel(panel);
      for (const chart of CHARTS) await panel.page.click(`#card-${chart} vscode-button.export`);
      const exports = (await panel.posted()).filter((m) => m.type === 'exportPng');
      assert.deepEqual(exports.map((m) => m.chart), CHARTS);
      for (const m of exports) assert.ok(m.dataUrl.startsWith('data:image/png;base64,') && m.dataUrl.length > 5000, `${m.chart} PNG`);
    });
  });

  it('renders in a light theme and redraws when the theme changes', { skip }, async () => {
    await withPanel({ theme: LIGHT_THEME }, async (panel) => {
      await initPanel(panel);
      const light = await probeCanvas(panel.page, '#card-perLayer canvas');
      assert.deepEqual(light.corner.slice(0, 3), [255, 255, 255]);
      assert.ok(light.colors > 8);
      assert.ok((await probeCanvas(panel.page, '#card-perplexity canvas')).corner[0] === 255);
      await panel.page.screenshot({ path: `${SCREENSHOTS}/panel-light.png`, fullPage: true });

      await panel.setTheme(DARK_THEME);
      await panel.page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>('#card-overlap canvas')!;
        return c.getContext('2d')!.getImageData(0, 0, 1, 1).data[0] === 0x1f;
      });
      assert.deepEqual((await probeCanvas(panel.page, '#card-perLayer canvas')).corner.slice(0, 3), [0x1f, 0x1f, 0x1f]);
    });
  });

  it('draws the steering study when the results carry one: themed, keyboard-reachable, following the language filter', { skip }, async () => {
    await withPanel({ theme: DARK_THEME }, async (panel) => {
      const study = studyView();
      await initPanel(panel, { ...view, steeringStudy: study });
      await panel.page.waitForSelector('#steering-study:not([hidden])');
      for (const chart of ['studySuccess', 'studyTradeoff']) {
        const probe = await probeCanvas(panel.page, `#card-${chart} canvas`);
        assert.ok(probe.colors > 8, `${chart} is drawn`);
        assert.deepEqual(probe.corner.slice(0, 3), [0x1f, 0x1f, 0x1f], `${chart} on the dark theme's background`);
      }
      assert.equal(await panel.page.textContent('#steering-study .study-verdict'), study.verdict);
      await panel.page.locator('#steering-study').screenshot({ path: `${SCREENSHOTS}/panel-study-dark.png` });

      await panel.page.focus('#card-studyTradeoff summary');
      await panel.page.keyboard.press('Shift+Tab');
      assert.equal(await panel.page.evaluate(() => (document.activeElement as HTMLElement).dataset.chart), 'studyTradeoff', 'the export button comes before the figures');
      await panel.page.keyboard.press('Enter');
      const exports = (await panel.posted()).filter((m) => m.type === 'exportPng');
      assert.deepEqual(exports.map((m) => m.chart), ['studyTradeoff']);
      assert.ok(exports[0].dataUrl.startsWith('data:image/png;base64,') && exports[0].dataUrl.length > 5000);

      await panel.page.focus('vscode-checkbox[data-lang="zh"]');
      await panel.page.keyboard.press('Space');
      await panel.page.waitForFunction(() => !document.querySelector('#card-studySuccess thead')?.textContent?.includes('zh'));
      assert.deepEqual((await tableRows(panel.page, 'studySuccess'))[0][0].slice(1), study.targets.filter((t) => t !== 'zh'));

      // Results without a study (another folder, or one whose study was removed) hide the section again.
      await panel.send({ type: 'results', view });
      await panel.page.waitForSelector('#steering-study', { state: 'hidden' });
    });
  });

  it('says so when the results have no perplexity evaluation', { skip }, async () => {
    await withPanel({ theme: DARK_THEME }, async (panel) => {
      const bare = makeFixture();
      bare.summary.pplChange = null;
      bare.summary.randomPplChange = null;
      bare.summary.perplexity = null;
      await initPanel(panel, bare);
      assert.match((await panel.page.textContent('#card-perplexity .empty')) ?? '', /no perplexity evaluation/);
      assert.equal(await panel.page.isVisible('#card-perplexity canvas'), false);
    });
  });

  it('reaches every control with Tab, with a visible focus ring', { skip }, async () => {
    await withPanel({ theme: DARK_THEME }, async (panel) => {
      await initPanel(panel);
      const reached: string[] = [];
      for (let i = 0; i < 40; i++) {
        await panel.page.keyboard.press('Tab');
        reached.push(
          await panel.page.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            if (!el || el === document.body) return 'body';
            return el.id || el.dataset.lang || el.dataset.chart || el.className || el.tagName;
          }),
        );
      }
      const expected = ['slider-topRate', 'slider-filterRate', 'slider-activationBarRatio', ...languages, ...CHARTS, 'neuron-list', 'reveal'];
      for (const id of expected) assert.ok(reached.includes(id), `${id} reachable by Tab (reached: ${reached.join(', ')})`);

      await panel.page.focus('#slider-topRate');
      await panel.page.keyboard.press('Shift+Tab');
      await panel.page.keyboard.press('Tab');
      const outline = await panel.page.$eval('#slider-topRate', (el) => getComputedStyle(el).outlineStyle);
      assert.equal(outline, 'solid');
      await panel.page.locator('.controls').screenshot({ path: `${SCREENSHOTS}/panel-focus.png` });
    });
  });
});
