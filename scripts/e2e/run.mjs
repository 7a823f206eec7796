// npm run test:e2e: the extension as users get it, in a real VS Code workbench.
//
//   1. setup (idempotent, into .cache/e2e/): chromium + libkrb5-dev via apt when missing,
//      Node 24 from npm, code-server built with it; playwright-core is a devDependency;
//   2. node esbuild.mjs --production, then the linux-x64 VSIX (scripts/package-vsix.mjs);
//   3. per phase, a fresh code-server profile on 127.0.0.1 (the VSIX installed with
//      --install-extension), the phase's test/e2e/*.e2e.ts files run with node:test and
//      Playwright driving Debian's chromium, and the server's process group stopped;
//   4. the extension's own integration suite (test/integration) inside code-server's
//      extension host through the smoke-test driver.
// Screenshots, logs and the VSIX go to test-output/e2e/. Ends with "N passed, N failed".
//
//   node scripts/e2e/run.mjs [--no-build] [--only workbench,restrictedMode,integrationSuite] [--keep]
//                            [--screenshots media/screenshots]   (copies the README's pictures there)
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { CACHE, OUTPUT, ROOT } from './config.mjs';
import { startCodeServer } from './codeServer.mjs';
import { killGroup, log, run, stopGroup } from './proc.mjs';
import { setup } from './setup.mjs';

const MINUTE = 60_000;

/**
 * Each phase gets its own code-server and fresh profile. workbench.e2e.ts holds the
 * scenarios that share one window (the first one's detection is what the others use).
 */
const PHASES = [
  { name: 'main', files: ['workbench'], server: { vsix: true } },
  // Workspace trust on: the folder opens in restricted mode.
  { name: 'trust', files: ['restrictedMode'], server: { vsix: true, trust: true } },
  // The extension's integration suite: extensionDevelopmentPath is the repo, not the VSIX.
  { name: 'itest', files: ['integrationSuite'], server: { vsix: false, smokeTestDriver: true }, prepare: buildIntegrationSuite },
];

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    screenshots: { type: 'string' },
  },
});
const only = opts.only?.split(',').map((s) => s.trim()).filter(Boolean);

const live = { servers: new Set(), tests: new Set(), dirs: new Set() };

/** Every process started in a run folder (code-server, its children, chromium) carries that path. */
function processesUsing(dir) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmdline.includes(dir) || environ.includes(`=${dir}`)) found.push(Number(entry));
    } catch { /* gone, or not ours to read */ }
  }
  return found;
}

async function cleanUp() {
  for (const pid of live.tests) killGroup(pid, 'SIGKILL');
  await Promise.all([...live.servers].map((s) => s.stop()));
  live.servers.clear();
  // A safety net for anything that left its process group (a browser whose driver was killed).
  for (const dir of live.dirs) {
    for (const pid of processesUsing(dir)) {
      try { process.kill(pid, 'SIGKILL'); log(`killed straggler ${pid} (${dir})`); } catch { /* gone */ }
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function buildIntegrationSuite() {
  if (!existsSync(join(ROOT, 'test', 'integration', 'build.ts'))) return 'test/integration/build.ts is missing';
  await run(process.execPath, ['--import', 'tsx', 'test/integration/build.ts'], { cwd: ROOT, timeoutMs: 2 * MINUTE, quiet: true });
  return undefined;
}

/** node --test over the phase's files; totals come back through countReporter.mjs. */
function runTests(files, env, timeoutMs) {
  const countsFile = join(OUTPUT, `counts-${env.E2E_PHASE}.json`);
  rmSync(countsFile, { force: true });
  const args = [
    '--import', 'tsx', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(ROOT, 'scripts', 'e2e', 'countReporter.mjs')}`, `--test-reporter-destination=${countsFile}`,
    ...files,
  ];
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
    live.tests.add(child.pid);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; killGroup(child.pid, 'SIGKILL'); }, timeoutMs);
    child.on('exit', async (code) => {
      clearTimeout(timer);
      live.tests.delete(child.pid);
      await stopGroup(child.pid, 2000);
      let counts;
      try { counts = JSON.parse(readFileSync(countsFile, 'utf8')); } catch { /* killed before the reporter wrote */ }
      if (!counts) counts = { passed: 0, failed: files.length, skipped: 0, failures: [`${env.E2E_PHASE}: the test process ${timedOut ? 'timed out' : `exited with ${code}`} before reporting`] };
      else if (timedOut) { counts.failed++; counts.failures.push(`${env.E2E_PHASE}: timed out after ${timeoutMs / 1000} s`); }
      resolvePromise(counts);
    });
  });
}

async function runPhase(phase, vsix) {
  const files = phase.files.filter((f) => !only || only.includes(f)).map((f) => join('test', 'e2e', `${f}.e2e.ts`));
  if (files.length === 0) return undefined;
  log(`phase ${phase.name}: ${files.map((f) => relative('test/e2e', f)).join(', ')}`);
  if (phase.prepare) {
    const missing = await phase.prepare();
    if (missing) return { passed: 0, failed: 0, skipped: files.length, failures: [], notes: [`${phase.name}: skipped, ${missing}`] };
  }
  const server = await startCodeServer({
    cache: CACHE, name: phase.name, vsix: phase.server.vsix ? vsix : undefined, trust: phase.server.trust,
    smokeTestDriver: phase.server.smokeTestDriver, logFile: join(OUTPUT, `code-server-${phase.name}.log`),
  });
  live.servers.add(server);
  live.dirs.add(server.dir);
  log(`code-server ${server.url} (pid ${server.pid}, ${server.dir})`);
  try {
    return await runTests(files, {
      ...process.env,
      E2E_PHASE: phase.name,
      E2E_URL: server.url,
      E2E_RUN_DIR: server.dir,
      E2E_WORKSPACE: server.workspace,
      E2E_EXTENSIONS_DIR: join(server.dir, 'ext'),
      E2E_OUTPUT: OUTPUT,
      E2E_ROOT: ROOT,
    }, 10 * MINUTE);
  } finally {
    await server.stop();
    live.servers.delete(server);
    const left = processesUsing(server.dir);
    if (left.length > 0) {
      log(`processes left in ${server.dir}: ${left.join(', ')}; killing`);
      for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    if (!opts.keep) rmSync(server.dir, { recursive: true, force: true });
  }
}

/** The pictures the README shows, copied from test-output/e2e when the run made them. */
const README_PICTURES = ['tree.png', 'charts.png', 'ghost-text.png'];

function copyScreenshots(dir) {
  const to = join(ROOT, dir);
  mkdirSync(to, { recursive: true });
  for (const name of README_PICTURES) {
    if (existsSync(join(OUTPUT, name))) { copyFileSync(join(OUTPUT, name), join(to, name)); log(`${name} → ${relative(ROOT, to)}/`); }
  }
}

async function main() {
  const started = Date.now();
  mkdirSync(OUTPUT, { recursive: true });
  await setup();
  const vsix = join(CACHE, 'language-neurons.vsix');
  if (!opts['no-build'] || !existsSync(vsix)) {
    log('build (node esbuild.mjs --production) and package the VSIX');
    await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, timeoutMs: 5 * MINUTE, quiet: true });
    await run(process.execPath, ['scripts/package-vsix.mjs', '--no-build', '--out', vsix], { cwd: ROOT, timeoutMs: 5 * MINUTE, quiet: true });
  }
  log(`VSIX ${(statSync(vsix).size / 1024 / 1024).toFixed(1)} MB: ${vsix}`);

  const total = { passed: 0, failed: 0, skipped: 0, failures: [], notes: [] };
  if (!existsSync(join(ROOT, 'models', 'demo', 'lape-demo.gguf'))) {
    // Every scenario runs on it; without it they would all fail for this one reason.
    total.failed++;
    total.failures.push('models/demo/lape-demo.gguf is missing: build it with npm run build:demo-model');
  }
  for (const phase of total.failed ? [] : PHASES) {
    let counts;
    try {
      counts = await runPhase(phase, vsix);
    } catch (error) {
      counts = { passed: 0, failed: 1, skipped: 0, failures: [`${phase.name}: ${error.message}`] };
    }
    if (!counts) continue;
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    total.failures.push(...counts.failures);
    total.notes.push(...(counts.notes ?? []));
  }
  await cleanUp();
  if (opts.screenshots) copyScreenshots(opts.screenshots);
  for (const n of total.notes) log(n);
  for (const f of total.failures) log(`FAILED ${f}`);
  log(`screenshots and logs: ${relative(process.cwd(), OUTPUT) || '.'} · ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), async (error) => {
  console.error(`e2e: ${error.stack ?? error.message}`);
  await cleanUp();
  console.log('0 passed, 1 failed');
  process.exit(1);
});
