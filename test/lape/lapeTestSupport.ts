import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { emptyStats, type ActivationStats } from '../../src/lape/languageStats.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = join(repoRoot, 'test/fixtures/lape');

/**
 * ../shared beside the repository, where CI lays the reference project's files; LAPE_SHARED_DIR
 * overrides it (LAPE_SHARED_DIR=/nonexistent shows what a fresh clone without it runs).
 */
export const sharedDir = resolve(process.env.LAPE_SHARED_DIR ?? join(repoRoot, '../shared'));

/** Why a test needing `relative` under ../shared cannot run (the t.skip message), or undefined. */
export function sharedMissing(relative: string): string | undefined {
  const path = join(sharedDir, relative);
  if (existsSync(path)) return undefined;
  return `${path} is missing: this test needs the reference files of ../shared beside the checkout (or LAPE_SHARED_DIR)`;
}

/** The reference project's published neuron files: ../shared/reference. Check sharedMissing first. */
export function referenceDir(): string {
  return join(sharedDir, 'reference');
}

/** The python3 that may have torch (Debian's python3-torch); LAPE_TEST_PYTHON overrides it. */
export const PYTHON = process.env.LAPE_TEST_PYTHON ?? '/usr/bin/python3';
let torchChecked: string | undefined;

/** Undefined when python3 can import torch, otherwise why not (the message for t.skip). */
export function torchUnavailable(): string | undefined {
  if (torchChecked === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
    torchChecked = r.status === 0 ? '' : `python3 cannot import torch: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  }
  return torchChecked === '' ? undefined : torchChecked;
}

/** Deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomStatsOptions {
  nLayer: number;
  nFf: number;
  langs: string[];
  seed: number;
  /** Languages whose neurons fire rarely, so that LAPE gives them no neurons. */
  quiet?: string[];
}

/**
 * Statistics with continuous-looking counts (millions of tokens, so equal probabilities and
 * equal entropies are vanishingly unlikely): a background rate per neuron, and for a third of
 * the neurons one or two languages that fire much more.
 */
export function randomStats(o: RandomStatsOptions): ActivationStats {
  const r = rng(o.seed);
  const stats = emptyStats(o.nLayer, o.nFf, o.langs);
  for (const l of stats.languages) l.tokens = 1_000_000 + Math.floor(r() * 3_000_000);
  const nLang = o.langs.length;
  for (let i = 0; i < o.nLayer * o.nFf; i++) {
    const base = 0.3 * r() * r();
    const special = r() < 0.33 ? Math.floor(r() * nLang) : -1;
    const second = r() < 0.3 ? Math.floor(r() * nLang) : -1;
    stats.languages.forEach((l, k) => {
      let rate = base * (0.5 + r());
      if (k === special || k === second) rate = Math.min(1, rate + 0.2 + 0.6 * r());
      if (o.quiet?.includes(l.lang)) rate = 0.01 * r();
      l.overZero[i] = Math.floor(rate * l.tokens);
      l.sumAct[i] = (r() - 0.3) * l.overZero[i];
    });
  }
  return stats;
}
