import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { webviewBuildOptions } from '../../../scripts/esbuild-webview.mjs';

let built: Promise<string> | undefined;

/** Builds panel.js, report.js and their CSS into a temp folder, once per test process. */
export function buildBundles(): Promise<string> {
  built ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lape-webview-'));
    await esbuild.build({ ...webviewBuildOptions(dir, { production: false, sourcemap: false }), logLevel: 'error' });
    return dir;
  })();
  return built;
}
