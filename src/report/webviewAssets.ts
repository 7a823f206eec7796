import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built browser bundles, as scripts/esbuild-webview.mjs writes them. */
export const WEBVIEW_ASSETS = { reportScript: 'report.js', reportStyle: 'report.css', panelScript: 'panel.js', panelStyle: 'lape.css' } as const;

export class WebviewAssetsMissingError extends Error {
  constructor(readonly searched: string[]) {
    super(`The report's scripts are not built (looked for ${WEBVIEW_ASSETS.reportScript} in ${searched.join(', ')}). Run \`npm run build\` first.`);
    this.name = 'WebviewAssetsMissingError';
  }
}

/**
 * This module's folder, both as ESM source (tsx, tests) and when bundled: into dist/cli.js
 * (ESM) or dist/extension.cjs (CJS, where esbuild leaves import.meta empty).
 */
function moduleDir(): string | undefined {
  const url = (import.meta as { url?: string }).url;
  if (url) return dirname(fileURLToPath(url));
  return typeof __dirname === 'string' ? __dirname : undefined;
}

/**
 * Finds dist/webview. Bundled, this code sits in dist/ next to webview/; from source it is
 * in src/report/, two levels below the package root.
 */
export function findWebviewAssets(explicit?: string): string {
  const candidates: string[] = [];
  if (explicit !== undefined) candidates.push(resolve(explicit));
  else {
    const here = moduleDir();
    if (here !== undefined) {
      candidates.push(join(here, 'webview'));
      for (let dir = here, i = 0; i < 4; i++, dir = dirname(dir)) candidates.push(join(dir, 'dist', 'webview'));
    }
  }
  const unique = [...new Set(candidates)];
  const found = unique.find((dir) => existsSync(join(dir, WEBVIEW_ASSETS.reportScript)) && existsSync(join(dir, WEBVIEW_ASSETS.reportStyle)));
  if (found === undefined) throw new WebviewAssetsMissingError(unique);
  return found;
}
