import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { panelHtml } from '../../../src/report/panelHtml.ts';
import type { FromWebview, ToWebview } from '../../../src/protocol/webviewMessages.ts';
import { startStaticServer, type StaticServer } from './staticServer.ts';
import type { ThemeVars } from './themes.ts';

declare global {
  interface Window {
    __posted: FromWebview[];
    __state: unknown;
    __cspViolations: string[];
  }
}

/** Serves the built panel the way VS Code would: html from panelHtml(), assets from one origin. */
export async function startPanelServer(bundleDir: string): Promise<StaticServer> {
  const [script, style] = await Promise.all([readFile(join(bundleDir, 'panel.js'), 'utf8'), readFile(join(bundleDir, 'lape.css'), 'utf8')]);
  return startStaticServer((origin) => ({
    '/index.html': panelHtml({ cspSource: origin, nonce: randomBytes(16).toString('base64'), scriptUri: `${origin}/panel.js`, styleUri: `${origin}/lape.css` }),
    '/panel.js': script,
    '/lape.css': style,
  }));
}

export interface PanelPage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page requested. */
  requests: string[];
  consoleErrors: string[];
  posted(): Promise<FromWebview[]>;
  state(): Promise<unknown>;
  send(message: ToWebview): Promise<void>;
  cspViolations(): Promise<string[]>;
  setTheme(theme: ThemeVars): Promise<void>;
  close(): Promise<void>;
}

export interface OpenPanelOptions {
  theme: ThemeVars;
  /** What vscode.getState() returns, as after a reload. */
  state?: unknown;
  /** Install Playwright's fake clock, to step the debounce by hand. */
  clock?: boolean;
}

/**
 * Opens the panel with a stand-in for acquireVsCodeApi that records posted messages and
 * state, and VS Code's theme variables on <html>. Init scripts run outside the page's CSP,
 * as VS Code's own webview bootstrap does.
 */
export async function openPanel(browser: Browser, server: StaticServer, options: OpenPanelOptions): Promise<PanelPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    // The readback hint comes from the tests' own pixel probes.
    if ((m.type() === 'error' || m.type() === 'warning') && !m.text().includes('willReadFrequently')) consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  // tsx compiles this file with esbuild's keepNames, whose __name() calls end up in the
  // functions Playwright serialises into the page.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  if (options.clock) await page.clock.install({ time: new Date('2024-08-14T10:00:00Z') });
  await page.addInitScript(
    ({ state, theme }) => {
      window.__posted = [];
      window.__state = state;
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
      let acquired = false;
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi may be called only once');
        acquired = true;
        return {
          postMessage: (m: FromWebview) => window.__posted.push(JSON.parse(JSON.stringify(m)) as FromWebview),
          getState: () => window.__state,
          setState: (s: unknown) => {
            window.__state = JSON.parse(JSON.stringify(s));
            return s;
          },
        };
      };
      // <html> does not exist yet when init scripts run.
      document.addEventListener('DOMContentLoaded', () => {
        for (const [name, value] of Object.entries(theme.vars)) document.documentElement.style.setProperty(name, value);
        document.body.className = theme.bodyClass;
      });
    },
    { state: options.state, theme: options.theme },
  );
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  return {
    page,
    context,
    requests,
    consoleErrors,
    posted: () => page.evaluate(() => window.__posted),
    state: () => page.evaluate(() => window.__state),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    cspViolations: () => page.evaluate(() => window.__cspViolations),
    setTheme: (theme) =>
      page.evaluate((t) => {
        for (const [name, value] of Object.entries(t.vars)) document.documentElement.style.setProperty(name, value);
        document.body.className = t.bodyClass;
      }, theme),
    close: () => context.close(),
  };
}
