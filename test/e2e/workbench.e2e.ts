// The main e2e phase: one code-server window with the VSIX installed, the scenarios in
// order on one workbench (the first one's detection of the demo model is what the charts
// and the restart redo; steering runs on Gemma 3 270M from the cache, detected there). Run by scripts/e2e/run.mjs; see test/e2e/README.md.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { e2eEnv, NOT_IN_HARNESS } from './support/e2eEnv.ts';
import { Workbench } from './support/Workbench.ts';
import { chartsScenario } from './scenarios/charts.ts';
import { detectScenario } from './scenarios/detect.ts';
import { restartScenario } from './scenarios/restart.ts';
import { steeringScenario } from './scenarios/steering.ts';

const env = e2eEnv();
const skip = env === undefined ? NOT_IN_HARNESS : false;
const MINUTE = 60_000;
let wb: Workbench | undefined;
let detected = false;

before(async () => {
  if (env) wb = await Workbench.open(env);
}, { timeout: 2 * MINUTE });

after(async () => {
  if (wb && env) await wb.screenshot('last.png').catch(() => {});
  await wb?.close();
});

/** Later scenarios need the first one's results; without them they fail for that reason alone. */
function needsDetection(): void {
  assert.ok(detected, 'scenario 1 (detection) did not finish, so there is nothing to work on');
}

test('1. Detect language neurons of the demo model: the tree matches lape detect', { skip, timeout: 12 * MINUTE }, async () => {
  await detectScenario(wb!, env!);
  detected = true;
});

test('2. LAPE charts: every chart draws, legends name each language, top_rate changes the tree', { skip, timeout: 3 * MINUTE }, async () => {
  needsDetection();
  await chartsScenario(wb!, env!);
});

test('3. Gemma 3 270M, Force output language fr: the ghost text is French, and without steering it is not', { skip, timeout: 12 * MINUTE }, async (t) => {
  // Its own detection, on the real model; scenario 1's is of the demo model.
  await steeringScenario(wb!, env!, (line) => t.diagnostic(line));
});

test('4. The analysis process is killed: reported, restarted, detection works again', { skip, timeout: 8 * MINUTE }, async () => {
  needsDetection();
  await restartScenario(wb!, env!);
});

test('no request left the machine', { skip }, () => {
  assert.deepEqual(wb?.externalRequests ?? [], []);
});
