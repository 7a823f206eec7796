// Issue 12 §5: our measurement must not rest on our word alone. The same GGUF, the same token
// ids (our detection exports them), counted by an independent peer (transformers, F32, hooked as
// the reference activation.py hooks vLLM) and identified by the reference identify.py itself:
// its neuron sets are compared with ours per language.
//
// Needs the real model and the peer venv (test/peer/setup.sh). Without them it is skipped with
// the reason, except in CI (CI=true), where that is a failure.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readStatsFile } from '../../src/lape/formats/statsFile.ts';
import { identify } from '../../src/lape/identify.ts';
import type { ActivationStats } from '../../src/lape/languageStats.ts';
import type { NeuronSets } from '../../src/protocol/results.ts';
import { runCliJson } from '../cli/runCli.ts';
import { findGemma, findIdentifyPy, findPeerPython, jaccard, mean, PEER_SCRIPT, repoRoot, type Found } from './peerSupport.ts';

// identify.py reads exactly these seven, in this order.
const LANGS = ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'];
const BUDGET = 2000;
const MIN_JACCARD = 0.8;

interface PeerOutput {
  languages: string[];
  nLayer: number;
  nFf: number;
  n: number[];
  overZero: number[][];
  neurons: number[][][];
  nll: number[];
  identifyStdout: string;
  seconds: { load: number; count: number; total: number };
}

/** Looks the resources up in order and stops at the first missing one, so that a machine without
 * the venv never starts a model download just to skip. */
function need(t: TestContext, lookups: Array<() => Found>): string[] | undefined {
  const paths: string[] = [];
  let why = '';
  for (const look of lookups) {
    const f = look();
    if ('missing' in f) {
      why = f.missing;
      break;
    }
    paths.push(f.path);
  }
  if (!why) return paths;
  if (process.env.CI === 'true') assert.fail(`peer agreement test cannot run in CI: ${why}`);
  t.skip(why);
  return undefined;
}

function peerStats(peer: PeerOutput): ActivationStats {
  return {
    nLayer: peer.nLayer,
    nFf: peer.nFf,
    languages: peer.languages.map((lang, k) => ({ lang, tokens: peer.n[k], overZero: Float64Array.from(peer.overZero[k]), sumAct: new Float64Array(peer.nLayer * peer.nFf).fill(NaN) })),
  };
}

test('Gemma 3 270M: the reference method on F32 transformers picks the same neurons as our llama.cpp detection', { timeout: 40 * 60_000 }, (t) => {
  const paths = need(t, [findPeerPython, findIdentifyPy, findGemma]);
  if (!paths) return;
  const [python, identifyPy, gemma] = paths;
  const dir = mkdtempSync(join(tmpdir(), 'lape-peer-'));
  try {
    const started = Date.now();
    const out = join(dir, 'results');
    runCliJson(['detect', '--model', gemma, '--langs', LANGS.join(','), '--budget', String(BUDGET), '--eval-budget', '0', '--threads', '2', '--out', out]);
    const detectSeconds = (Date.now() - started) / 1000;
    const peerJson = join(dir, 'peer.json');
    const r = spawnSync(python, [PEER_SCRIPT, '--gguf', gemma, '--results', out, '--identify', identifyPy, '--out', peerJson, '--threads', '2'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, `the peer failed:\n${r.stderr}`);
    const peer = JSON.parse(readFileSync(peerJson, 'utf8')) as PeerOutput;
    const ours = readStatsFile(join(out, 'stats.lapestats')).stats;
    const oursSets = JSON.parse(readFileSync(join(out, 'neurons.json'), 'utf8')) as NeuronSets;
    assert.deepEqual(peer.languages, LANGS);
    assert.deepEqual([peer.nLayer, peer.nFf], [ours.nLayer, ours.nFf]);

    // Same input: the peer counted exactly the tokens we did.
    LANGS.forEach((lang, k) => assert.equal(peer.n[k], ours.languages.find((l) => l.lang === lang)!.tokens, `${lang}: token counts`));
    // The F32 model works: loss on real text far below uniform guessing (ln 262144 = 12.5 nats).
    peer.nll.forEach((nll, k) => assert.ok(nll < 6, `${LANGS[k]}: the peer's model has loss ${nll} nats, so it did not load as a working Gemma`));
    // The method is the same: our identify on the peer's counts gives identify.py's own sets.
    const onPeer = identify(peerStats(peer));
    LANGS.forEach((lang, k) => assert.deepEqual(onPeer.neurons[k], peer.neurons[k], `${lang}: our identify and identify.py differ on the same counts`));

    // So any gap between the two selections comes from the activations themselves.
    const onOurs = identify(ours);
    const pOurs = (k: number, layer: number, j: number) => ours.languages[k].overZero[layer * ours.nFf + j] / ours.languages[k].tokens;
    const pPeer = (k: number, layer: number, j: number) => peer.overZero[k][layer * peer.nFf + j] / peer.n[k];
    // Rank by LAPE among each side's selected neurons (0 = lowest entropy; round(1% of 36,864) = 369 are taken).
    const ranks = (sel: typeof onOurs.selected) => new Map(Array.from(sel.layer, (layer, i) => [`${layer}:${sel.index[i]}`, i] as const));
    const rankOurs = ranks(onOurs.selected);
    const rankPeer = ranks(onPeer.selected);
    const dpMax = (l: number, n: number) => Math.max(...LANGS.map((_, k) => Math.abs(pOurs(k, l, n) - pPeer(k, l, n))));
    const rows = LANGS.map((lang, k) => {
      const mine = oursSets.neurons[oursSets.languages.indexOf(lang)];
      const j = jaccard(mine, peer.neurons[k]);
      const differing = [...j.onlyA, ...j.onlyB];
      const allDiffs: number[] = [];
      for (let layer = 0; layer < ours.nLayer; layer++) for (let n = 0; n < ours.nFf; n++) allDiffs.push(Math.abs(pOurs(k, layer, n) - pPeer(k, layer, n)));
      return {
        lang,
        tokens: peer.n[k],
        ours: j.inter + j.onlyA.length,
        peer: j.inter + j.onlyB.length,
        both: j.inter,
        jaccard: j.union === 0 ? 1 : j.inter / j.union,
        onlyOurs: j.onlyA.length,
        onlyPeer: j.onlyB.length,
        // Each differing neuron: where it sits, its LAPE rank on each side (-1: not selected), and
        // how far its p moved, in this language and in the language where it moved most.
        differing: differing.map(([l, n]) => ({
          layer: l, index: n, rankOurs: rankOurs.get(`${l}:${n}`) ?? -1, rankPeer: rankPeer.get(`${l}:${n}`) ?? -1,
          pOurs: pOurs(k, l, n), pPeer: pPeer(k, l, n), dpMaxOverLanguages: dpMax(l, n),
        })),
        meanDpAll: mean(allDiffs),
        maxDpAll: Math.max(...allDiffs),
        neuronsDpOver001: allDiffs.filter((d) => d > 0.01).length,
        peerNll: peer.nll[k],
      };
    });
    const report = {
      model: gemma, budget: BUDGET, detectSeconds, peerSeconds: peer.seconds, totalSeconds: (Date.now() - started) / 1000,
      thresholds: { oursFilter: onOurs.filterThreshold, peerFilter: onPeer.filterThreshold, oursBar: onOurs.activationBar, peerBar: onPeer.activationBar },
      rows,
    };
    mkdirSync(join(repoRoot, 'test-output'), { recursive: true });
    writeFileSync(join(repoRoot, 'test-output', 'peer-agreement.json'), JSON.stringify(report, null, 1));
    t.diagnostic('lang tokens ours peer both jaccard onlyOurs onlyPeer mean|dp|all max|dp|all n(|dp|>0.01) peerNll | differing: layer:index rank ours/peer p ours/peer max|dp|');
    for (const w of rows) {
      const diff = w.differing.map((d) => `${d.layer}:${d.index} r${d.rankOurs}/${d.rankPeer} p${d.pOurs.toFixed(4)}/${d.pPeer.toFixed(4)} ${d.dpMaxOverLanguages.toFixed(4)}`);
      t.diagnostic([w.lang, w.tokens, w.ours, w.peer, w.both, w.jaccard.toFixed(3), w.onlyOurs, w.onlyPeer, w.meanDpAll.toFixed(5), w.maxDpAll.toFixed(4), w.neuronsDpOver001, w.peerNll.toFixed(2), '|', ...diff].join(' '));
    }
    t.diagnostic(`thresholds ${JSON.stringify(report.thresholds)}; detect ${detectSeconds.toFixed(0)} s, peer ${peer.seconds.total.toFixed(0)} s (load ${peer.seconds.load.toFixed(0)} s), total ${report.totalSeconds.toFixed(0)} s`);
    for (const w of rows) assert.ok(w.jaccard >= MIN_JACCARD, `${w.lang}: Jaccard ${w.jaccard.toFixed(3)} < ${MIN_JACCARD} (${w.onlyOurs} only ours, ${w.onlyPeer} only the peer's)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
