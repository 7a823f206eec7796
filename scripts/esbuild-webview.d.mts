import type { BuildOptions } from 'esbuild';

/** esbuild options for the panel and report bundles and their stylesheets; see esbuild-webview.mjs. */
export function webviewBuildOptions(outdir: string, options?: { production?: boolean; sourcemap?: boolean }): BuildOptions;
