import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { identifyLanguage } from '../../../src/corpus/identifyLanguage.ts';
import type { E2EEnv } from '../support/e2eEnv.ts';
import { UI_STATE_BOUND_MS, type Workbench } from '../support/Workbench.ts';
import { lapeGenerate } from '../support/lapeCli.ts';
import { DEFAULT_LANGUAGES, runDetect } from './detect.ts';

interface ContributedCommand { command: string; title: string; category?: string }

/** The installed extension's contributed commands (what the palette offers). */
function contributedCommands(env: E2EEnv): ContributedCommand[] {
  const dir = readdirSync(env.extensionsDir).find((d) => d.startsWith('language-neurons.language-neurons-'));
  if (!dir) throw new Error(`the extension is not installed in ${env.extensionsDir}`);
  const pkg = JSON.parse(readFileSync(join(env.extensionsDir, dir, 'package.json'), 'utf8')) as { contributes: { commands: ContributedCommand[] } };
  return pkg.contributes.commands;
}

const paletteTitle = (c: ContributedCommand): string => (c.category ? `${c.category}: ${c.title}` : c.title);

/**
 * A prompt Gemma 3 270M continues in English unsteered (greedy: "1. The Minister of the
 * Interior of the Republic of Azerbaijan, …") and in French under Force fr ("La loi sur la
 * protection des animaux …"). The scenario checks the unsteered side too, so a French
 * continuation that steering did not cause fails it.
 */
const PROMPT = 'Article 1. ';
/** Gemma's detection in the editor: small, so that the scenario stays within minutes on 2 cores. */
const GEMMA_BUDGET = 1500;

/** The editor's text as the user sees it (Monaco renders spaces as U+00A0). */
async function editorText(wb: Workbench): Promise<string> {
  const text = await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** The ghost text for what the editor holds now: waits for it, asking once as Alt+\\ does if typing brought none. */
async function ghostText(wb: Workbench): Promise<void> {
  const ghost = wb.page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text').first();
  try {
    await ghost.waitFor({ timeout: 30_000 });
  } catch {
    await wb.runCommand('Trigger Inline Suggestion');
    await ghost.waitFor({ timeout: 60_000 });
  }
}

/** Types PROMPT into the empty editor, accepts the ghost text with Tab, and returns what Tab inserted. */
async function completeWithTab(wb: Workbench): Promise<string> {
  await wb.page.keyboard.type(PROMPT, { delay: 20 });
  await ghostText(wb);
  await wb.page.keyboard.press('Tab');
  const ghost = wb.page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text').first();
  await ghost.waitFor({ state: 'detached', timeout: UI_STATE_BOUND_MS });
  const text = await editorText(wb);
  return text.slice(text.indexOf(PROMPT.trim()) + PROMPT.trim().length).trim();
}

/**
 * Scenario 3, on the real model: Gemma 3 270M from the cache, detection in the editor with
 * the defaults on a small budget, "Force output language: fr" (the Force recipe, the default method), an
 * prompt in a Markdown file, ghost text, Tab: the inserted text is French to the
 * project's language identifier. Then steering goes off and the same prompt's ghost text must
 * not be French: otherwise the French was not steering's doing, and the scenario fails.
 */
export async function steeringScenario(wb: Workbench, env: E2EEnv, note: (line: string) => void = () => {}): Promise<void> {
  const commands = contributedCommands(env);
  const force = commands.find((c) => c.command === 'languageNeurons.steering.forceLanguage');
  const toggle = commands.find((c) => c.command === 'languageNeurons.steering.toggle');
  const named = commands.find((c) => c.command === 'languageNeurons.useNamedModel');
  const demo = commands.find((c) => c.command === 'languageNeurons.useDemoModel');
  assert.ok(force && toggle && named && demo, 'the installed extension lacks forceLanguage, steering.toggle, useNamedModel or useDemoModel');

  // Gemma 3 270M comes from the cache the harness inherits (LAPE_CACHE_DIR; .ci/run fetches it first).
  await wb.runCommand(paletteTitle(named));
  await wb.waitForQuickInput(/named model/i);
  await wb.chooseQuickPickRow('Gemma', /Gemma 3 270M/);
  await wb.quickInputHidden();
  await wb.notificationText(/Model ready: gemma-3-270m/, 5 * 60_000);
  const found = await runDetect(wb, GEMMA_BUDGET);
  note(`Gemma 3 270M in the editor: ${found}`);
  await wb.clearNotifications();

  await wb.runCommand(paletteTitle(force));
  // The palette closes and the language pick opens in its place: typing before the pick's
  // title shows would type into the closing palette.
  await wb.waitForQuickInput(/force output language/i);
  await wb.chooseQuickPickRow('fr', /\bfr\b|French/);
  await wb.quickInputHidden();

  const file = join(env.workspace, 'steering.md');
  writeFileSync(file, '');
  // Quick Open finds a file made a moment ago once the file watcher has seen it: ask again
  // rather than wait once for a list that was computed before.
  for (let attempt = 1; ; attempt++) {
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Control+P');
    await wb.quickInput().fill('steering.md');
    try {
      await wb.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'steering.md' }).first().waitFor({ timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  await wb.page.keyboard.press('Enter');
  const editor = wb.page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: UI_STATE_BOUND_MS });
  await editor.click();

  const languageOf = (s: string) => identifyLanguage(s, { among: DEFAULT_LANGUAGES });
  const steered = await completeWithTab(wb);
  await wb.screenshot('ghost-text.png');
  assert.ok(steered.length >= 10, `Tab inserted text: "${steered}"`);
  const language = languageOf(steered);
  if (language !== 'fr') {
    // Tell a model that steers badly from an extension that steers wrongly: what does the CLI write?
    const lape = join(env.workspace, '.lape');
    const results = join(lape, readdirSync(lape).find((d) => d.startsWith('gemma') && existsSync(join(lape, d, 'summary.json'))) ?? 'gemma-3-270m-q4_k_m');
    const cli = await lapeGenerate(env.root, ['--model', 'gemma-3-270m', '--results', results, '--force', 'fr',
      '--prompt', PROMPT, '--max-tokens', '24', '--temperature', '0'], 120_000).catch((error: Error) => `(lape generate failed: ${error.message})`);
    assert.fail(`the inserted text is ${language ?? 'no language'}, not French: ${JSON.stringify(steered)}; lape generate --force fr on the same results writes ${JSON.stringify(cli)}`);
  }

  // The same prompt with steering off, in the same editor: its ghost text must not be French.
  await wb.runCommand(paletteTitle(toggle));
  await wb.statusBarItem().locator('.codicon-zap').waitFor({ state: 'detached', timeout: UI_STATE_BOUND_MS });
  await wb.page.keyboard.press('Control+A');
  await wb.page.keyboard.press('Delete');
  const unsteered = await completeWithTab(wb);
  const unsteeredLanguage = languageOf(unsteered);
  note(`forced fr: ${JSON.stringify(steered.slice(0, 80))}; steering off: ${JSON.stringify(unsteered.slice(0, 80))} (${unsteeredLanguage ?? 'no language'})`);
  assert.notEqual(unsteeredLanguage, 'fr', `without steering the same prompt is continued in French too (${JSON.stringify(unsteered)}): the French was not steering's doing`);
  await wb.page.keyboard.press('Control+A');
  await wb.page.keyboard.press('Delete');

  // Back to the demo model for the scenarios that follow.
  await wb.runCommand(paletteTitle(demo));
  await wb.notificationText(/Model ready: lape-demo\.gguf/, 120_000);
  await wb.clearNotifications();
}
