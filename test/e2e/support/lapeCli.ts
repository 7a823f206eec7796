import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The parts of `lape detect --json` the scenarios compare. */
export interface CliDetection {
  outDir: string;
  languages: string[];
  sequenceLength: number;
  /** [language][layer] */
  perLayerCounts: number[][];
  params: { topRate: number; filterRate: number; activationBarRatio: number };
}

/** Runs the built CLI (dist/cli.js), as the README tells users to, and parses its JSON. */
export function lapeDetect(root: string, args: string[], timeoutMs: number): Promise<CliDetection> {
  return lapeJson<CliDetection>(root, 'detect', args, timeoutMs);
}

/** `lape generate … --json`: the continuation only. */
export async function lapeGenerate(root: string, args: string[], timeoutMs: number): Promise<string> {
  return (await lapeJson<{ text: string }>(root, 'generate', args, timeoutMs)).text;
}

function lapeJson<T>(root: string, command: string, args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), command, ...args, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) { reject(new Error(`lape ${command} exited with ${code ?? signal}: ${err.slice(-2000)}`)); return; }
      try { resolve(JSON.parse(out) as T); } catch (error) { reject(new Error(`lape ${command} printed no JSON (${(error as Error).message}): ${out.slice(0, 500)}`)); }
    });
  });
}

/** "en 3 · zh 5" (a layer row's description in the tree) → { en: 3, zh: 5 }. */
export function parseLayerCounts(description: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const part of description.split('·')) {
    const m = /^\s*(\S+)\s+(\d+)\s*$/.exec(part);
    if (m) counts[m[1]] = Number(m[2]);
  }
  return counts;
}

/** The CLI's [language][layer] counts in the tree's shape: one record per layer, zero counts left out. */
export function countsByLayer(cli: CliDetection): Record<string, number>[] {
  const layers = cli.perLayerCounts[0]?.length ?? 0;
  return [...Array(layers).keys()].map((layer) => {
    const row: Record<string, number> = {};
    cli.languages.forEach((code, l) => { const n = cli.perLayerCounts[l][layer]; if (n > 0) row[code] = n; });
    return row;
  });
}
