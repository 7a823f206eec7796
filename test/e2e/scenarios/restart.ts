import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { E2EEnv } from '../support/e2eEnv.ts';
import type { Workbench } from '../support/Workbench.ts';
import { runDetect } from './detect.ts';

/**
 * The analysis processes of the extension installed in this profile: the extension host
 * forks `<extensions dir>/language-neurons.language-neurons-*\/dist/analysis.js`.
 */
export function analysisPids(env: E2EEnv): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.startsWith(env.extensionsDir) && a.endsWith('/dist/analysis.js'))) pids.push(Number(entry));
    } catch { /* exited meanwhile */ }
  }
  return pids;
}

async function waitForPid(env: E2EEnv, accept: (pids: number[]) => number | undefined, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = accept(analysisPids(env));
    if (pid !== undefined) return pid;
    if (Date.now() > deadline) throw new Error(`no matching analysis process after ${timeoutMs / 1000} s (now: ${analysisPids(env).join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Scenario 4: the analysis process is killed from outside. The extension says so in its
 * output, starts a new process, and the next detection works.
 */
export async function restartScenario(wb: Workbench, env: E2EEnv): Promise<void> {
  // languageNeurons.debug.analysisPid is hidden from the palette and its answer goes to the
  // caller, so the pid is read where the process lives: one analysis.js of this profile.
  const pid = await waitForPid(env, (pids) => (pids.length === 1 ? pids[0] : undefined), 30_000);
  process.kill(pid, 'SIGKILL');

  const next = await waitForPid(env, (pids) => pids.find((p) => p !== pid), 60_000);
  assert.notEqual(next, pid);

  await wb.runCommand('Language Neurons: Show Output');
  await wb.page.locator('.output-view .view-lines, [id="workbench.panel.output"] .view-lines', { hasText: 'stopped unexpectedly' }).first().waitFor({ timeout: 30_000 });
  const output = await wb.outputText();
  assert.match(output, /stopped unexpectedly/);

  // A smaller budget keeps the run short; what matters is that the new process answers.
  const found = await runDetect(wb, 2_000);
  assert.match(found, /Found \d+ language-specific neurons/);
  await wb.clearNotifications();
}
