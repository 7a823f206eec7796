// Starts code-server with a fresh profile on 127.0.0.1, offline, in its own process group,
// and stops that whole group again.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CODE_SERVER_ENTRY, NODE24, ROOT } from './config.mjs';
import { run, stopGroup } from './proc.mjs';

/** The workbench's own chatter that would reach out or distract, switched off. */
const BASE_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'npm.fetchOnlinePackageInfo': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'typescript.disableAutomaticTypeAcquisition': true,
};

/** Any extension-gallery query goes to a dead loopback port instead of open-vsx.org. */
const DEAD_GALLERY = JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item', resourceUrlTemplate: 'http://127.0.0.1:9/res' });

/** Unix socket paths are limited to about 107 bytes: the run folder must stay short. */
const MAX_RUN_DIR = 48;

export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/** A fresh run folder: under the cache when its path is short enough, else under the system tmp. */
export function makeRunDir(cache, name) {
  const preferred = join(cache, 'run', name);
  if (preferred.length <= MAX_RUN_DIR) {
    rmSync(preferred, { recursive: true, force: true });
    mkdirSync(preferred, { recursive: true });
    return preferred;
  }
  return mkdtempSync(join(tmpdir(), `lne2e-${name}-`));
}

function runEnv(dir) {
  // XDG_* keep code-server out of ~/.config and ~/.local/share; TMPDIR holds its sockets.
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(dir, 'xdg', 'config'),
    XDG_DATA_HOME: join(dir, 'xdg', 'data'),
    XDG_CACHE_HOME: join(dir, 'xdg', 'cache'),
    TMPDIR: join(dir, 'tmp'),
    EXTENSIONS_GALLERY: DEAD_GALLERY,
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.NODE_OPTIONS;
  return env;
}

function answers(url) {
  return new Promise((resolvePromise) => {
    const req = get(url, { timeout: 2000 }, (res) => { res.resume(); resolvePromise(res.statusCode === 200); });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolvePromise(false));
  });
}

async function waitHealthy(url, child, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.spawnError) throw new Error(`code-server did not start: ${child.spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before answering`);
    if (await answers(`${url}/healthz`)) return;
    await delay(250);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

/**
 * @param {object} o
 * @param {string} o.cache       the harness's cache folder
 * @param {string} o.name        names the run folder (main, trust, itest)
 * @param {string} [o.vsix]      installed into the fresh extensions folder before start
 * @param {boolean} [o.trust]    true: workspace trust on (restricted mode possible); default off
 * @param {boolean} [o.smokeTestDriver] for extensionTestsPath payloads
 * @param {Record<string, unknown>} [o.settings] user settings over the defaults
 * @param {string} o.logFile     code-server's output
 */
export async function startCodeServer(o) {
  const dir = makeRunDir(o.cache, o.name);
  for (const d of ['ud/User', 'ext', 'ws', 'xdg/config', 'xdg/data', 'xdg/cache', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  const trust = o.trust ?? false;
  writeFileSync(join(dir, 'ud', 'User', 'settings.json'), JSON.stringify({
    ...BASE_SETTINGS, 'security.workspace.trust.enabled': trust, ...o.settings,
  }, null, 2));
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env = runEnv(dir);
  const profile = ['--config', config, '--user-data-dir', join(dir, 'ud'), '--extensions-dir', join(dir, 'ext')];
  if (o.vsix) {
    await run(NODE24, [CODE_SERVER_ENTRY, ...profile, '--install-extension', o.vsix], { cwd: dir, env, timeoutMs: 120_000, quiet: true });
  }
  const args = [
    CODE_SERVER_ENTRY, ...profile,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
    ...(trust ? [] : ['--disable-workspace-trust']),
    ...(o.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const log = createWriteStream(o.logFile);
  // detached: a new session and process group (setsid), so stop() reaches every child.
  const child = spawn(NODE24, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('error', (error) => { child.spawnError = error; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopGroup(child.pid);
    log.end();
  };
  try {
    await waitHealthy(url, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, pid: child.pid, dir, workspace: join(dir, 'ws'), env, stop };
}
