// Builds the browser side of the LAPE panel and report:
//   dist/webview/panel.js   + lape.css    the VS Code panel (see src/report/panelHtml.ts)
//   dist/webview/report.js  + report.css  inlined into report.html by src/report/writeReport.ts
// The main esbuild.mjs calls webviewBuildOptions(); run this file alone to build only these:
//   node scripts/esbuild-webview.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * esbuild options for both webview entries and their stylesheets, in one build.
 * @param {string} outdir where the files go, e.g. dist/webview
 * @param {{ production?: boolean, sourcemap?: boolean }} [options]
 * @returns {import('esbuild').BuildOptions}
 */
export function webviewBuildOptions(outdir, options = {}) {
  const production = options.production ?? false;
  return {
    absWorkingDir: root,
    entryPoints: [
      { in: 'webview/panel.ts', out: 'panel' },
      { in: 'webview/report.ts', out: 'report' },
      { in: 'media/lape.css', out: 'lape' },
      { in: 'media/report.css', out: 'report' },
    ],
    outdir: resolve(root, outdir),
    bundle: true,
    // A classic script: the report inlines it, and a webview needs no module loader.
    format: 'iife',
    platform: 'browser',
    // VS Code 1.90 runs webviews in Electron 29's Chromium.
    target: ['chrome114'],
    minify: production,
    // Off when packaging: maps would only grow the .vsix and the report.
    sourcemap: (options.sourcemap ?? !production) ? 'linked' : false,
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    // Licence notices stay inside the files, which also travel alone, inlined into report.html.
    legalComments: 'eof',
    logLevel: 'warning',
  };
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const options = webviewBuildOptions('dist/webview', { production: args.has('--production') });
  if (args.has('--watch')) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    console.log('watching webview/ and media/ …');
  } else {
    await esbuild.build(options);
    console.log(`built ${options.outdir}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
