import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import type { E2EEnv } from './e2eEnv.ts';

export const EXTENSION_ID = 'language-neurons.language-neurons';
const CHROMIUM = '/usr/bin/chromium';

/**
 * How long a step may wait for the UI state it needs (a filtered list, a focused row). A bound,
 * not an expectation: the step goes on as soon as the state is there, so a machine whose cores
 * are busy only makes the run slower. Scenario timeouts are minutes, so this stays well inside.
 */
export const UI_STATE_BOUND_MS = 120_000;

/** Offline Chromium: every host but loopback resolves to nothing. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

export interface OpenOptions {
  /** The folder to open; the phase's workspace by default. */
  folder?: string;
  /** Extra URL query, e.g. the smoke-test driver's payload. */
  query?: Record<string, string>;
  /** Wait for the workbench and the extension's activity-bar entry (default true). */
  waitForExtension?: boolean;
  /** Runs before the page loads the workbench, e.g. to expose functions to it. */
  beforeLoad?: (page: Page) => Promise<void>;
}

export interface TreeRow {
  label: string;
  description: string;
  level: number;
}

/** One code-server window in Chromium, and the few gestures the scenarios are made of. */
export class Workbench {
  readonly consoleErrors: string[] = [];
  /** Requests that tried to leave the machine (the resolver refuses them). */
  readonly externalRequests: string[] = [];

  private constructor(readonly env: E2EEnv, readonly context: BrowserContext, readonly page: Page) {}

  static async open(env: E2EEnv, options: OpenOptions = {}): Promise<Workbench> {
    const home = join(env.runDir, 'browser-home');
    for (const d of ['.config', '.cache']) mkdirSync(join(home, d), { recursive: true });
    const context = await chromium.launchPersistentContext(join(env.runDir, 'chrome'), {
      executablePath: CHROMIUM,
      // Chromium's crash reports and dconf stay out of $HOME.
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    const page = context.pages()[0] ?? await context.newPage();
    const wb = new Workbench(env, context, page);
    page.on('console', (m) => { if (m.type() === 'error') wb.consoleErrors.push(m.text()); });
    context.on('request', (r) => {
      const url = r.url();
      if (/^(data|blob|vscode-[a-z-]+):/.test(url)) return;
      try {
        const host = new URL(url).hostname;
        if (host !== '127.0.0.1' && host !== 'localhost' && !host.endsWith('.vscode-resource.vscode-cdn.net') && !host.endsWith('.vscode-cdn.net')) wb.externalRequests.push(url);
      } catch { /* not a URL */ }
    });
    await options.beforeLoad?.(page);
    const query = new URLSearchParams({ folder: options.folder ?? env.workspace, ...options.query });
    await page.goto(`${env.url}/?${query.toString()}`, { timeout: 60_000 });
    if (options.waitForExtension !== false) {
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      // The extension host starts a few seconds after the workbench; its container's icon says it is there.
      await wb.activityBarItem().waitFor({ timeout: 60_000 });
    }
    return wb;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
  }

  activityBarItem(): Locator {
    return this.page.locator('.activitybar [aria-label^="Language Neurons"]').first();
  }

  /** The Language Neurons view container, opened from the activity bar. */
  async openView(): Promise<Locator> {
    const pane = this.viewPane();
    if (!(await pane.isVisible())) await this.activityBarItem().click();
    await pane.waitFor({ timeout: 30_000 });
    return pane;
  }

  /** Drags the sash between side bar and editor, so the tree's descriptions fit in a picture. */
  async setSideBarWidth(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
    // Off the sash, so that it is not drawn highlighted in a picture.
    await this.page.mouse.move(box.x + width + 300, y);
    await this.page.locator('.monaco-sash.hover, .monaco-sash.active').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => {});
  }

  viewPane(): Locator {
    return this.page.locator('[id="workbench.view.extension.languageNeurons"]');
  }

  /** Runs a command from the palette by its title, as a user would (F1, type, Enter). */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.quickInput();
    await input.waitFor({ state: 'visible', timeout: UI_STATE_BOUND_MS });
    await this.chooseQuickPickRow(`>${title}`, title);
  }

  /**
   * Types `filter` into the open quick input and presses Enter once the focused row is the
   * one wanted (`row`). The list filters asynchronously, later the busier the machine, so the
   * step waits on that state (bounded by UI_STATE_BOUND_MS), never on a guess of the delay.
   */
  async chooseQuickPickRow(filter: string, row: string | RegExp, timeoutMs = UI_STATE_BOUND_MS): Promise<void> {
    await this.quickInput().fill(filter);
    const focused = this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: row }).first();
    try {
      await focused.waitFor({ timeout: timeoutMs });
    } catch (error) {
      const value = await this.quickInput().inputValue().catch(() => '(no input)');
      const shown = await this.page.locator('.quick-input-list .monaco-list-row.focused').first().innerText({ timeout: 1_000 }).catch(() => '(none)');
      throw new Error(`no focused quick-pick row matching ${String(row)} after ${timeoutMs} ms: the input holds ${JSON.stringify(value)}, the focused row is ${JSON.stringify(shown)}`, { cause: error });
    }
    await this.page.keyboard.press('Enter');
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget input.input');
  }

  /** Waits for a quick pick or input box whose title contains `title`. */
  async waitForQuickInput(title: string | RegExp, timeoutMs = 30_000): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: timeoutMs });
  }

  async quickInputHidden(timeoutMs = 15_000): Promise<void> {
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /** A notification toast (or, in smoke-test mode, a notification-center entry) with this text. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-list-item', { has: this.page.locator('.notification-list-item-message', { hasText: text }) }).first();
  }

  async notificationText(text: string | RegExp, timeoutMs = 60_000): Promise<string> {
    const item = this.notification(text);
    await item.waitFor({ timeout: timeoutMs });
    return item.locator('.notification-list-item-message').innerText();
  }

  /** Waits until a notification with this text is there, then until it is gone. */
  async waitForProgressToFinish(text: string | RegExp, timeoutMs: number): Promise<void> {
    const item = this.notification(text);
    await item.waitFor({ timeout: 30_000 });
    await item.waitFor({ state: 'detached', timeout: timeoutMs });
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.quickInputHidden();
  }

  /** The visible rows of the Neurons tree, with their depth. */
  async treeRows(): Promise<TreeRow[]> {
    return this.viewPane().locator('.monaco-list-row').evaluateAll((rows) => rows.map((row) => ({
      label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
      level: Number(row.getAttribute('aria-level') ?? '0'),
    })));
  }

  /** The extension's status bar item. */
  statusBarItem(): Locator {
    return this.page.locator(`.statusbar-item[id="${EXTENSION_ID}.languageNeurons.status"]`);
  }

  /** The content frame of the active webview panel. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /** Text of an output channel, shown in the Output panel. */
  async outputText(): Promise<string> {
    const text = await this.page.locator('.part.panel .output-view .view-lines, [id="workbench.panel.output"] .view-lines').first().innerText();
    return text.replace(/\u00a0/g, ' '); // Monaco renders spaces as U+00A0
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(this.env.output, { recursive: true });
    // The palette fades out after a command; the picture should not catch it halfway.
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    const path = join(this.env.output, name);
    await this.page.screenshot({ path });
    return path;
  }
}
