// The detection token ids a results folder exports (tokens/<lang>.json) must be exactly what
// the recorder counted: test/peer counts on them with another implementation and compares.
// Checked by replaying them through the engine and getting the same counts back, with a
// negative control that shows the replay notices a changed sequence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { byteVocab } from '../../src/gguf/byteVocab.ts';
import { readStatsFile } from '../../src/lape/formats/statsFile.ts';
import { readDetectTokens, readEvalTokens } from '../../src/pipeline/resultsFolder.ts';
import { ActivationRecorder, LlamaEngine, type EngineModel } from '../../src/engine/index.ts';
import { runCliJson } from '../cli/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-tokens-'));
const model = join(dir, 'model.gguf');
const LANGS = ['en', 'zh', 'fr'];
const common = ['--model', model, '--langs', LANGS.join(','), '--budget', '700', '--eval-budget', '200', '--seq-len', '128', '--threads', '2'];
let engine: LlamaEngine | undefined;
let loaded: EngineModel | undefined;

before(async () => {
  await writeSyntheticModel(model, { arch: 'llama', nLayer: 2, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 512, seed: 33 });
});
after(() => {
  loaded?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function counts(m: EngineModel, sequences: number[][]): { tokens: number; overZero: Float64Array } {
  const ctx = m.createContext({ threads: 2, contextSize: 512 });
  try {
    const rec = new ActivationRecorder(m.nLayer, m.nFf);
    for (const s of sequences) ctx.evaluate(s, { outputs: 'all', logits: false, hooks: { recorder: rec } });
    return { tokens: rec.tokens, overZero: rec.overZero };
  } finally {
    ctx.dispose();
  }
}

test('tokens/<lang>.json holds the sequences detection counted: same total, BOS first, same counts on replay', async () => {
  const out = join(dir, 'full');
  runCliJson(['detect', ...common, '--out', out]);
  const stats = readStatsFile(join(out, 'stats.lapestats')).stats;
  engine = await LlamaEngine.create();
  loaded = await engine.loadModel(model);
  const bos = byteVocab().bosId;
  for (const lang of LANGS) {
    const { language, sequences } = readDetectTokens(out, lang);
    assert.equal(language, lang);
    const recorded = stats.languages.find((l) => l.lang === lang)!;
    assert.equal(sequences.reduce((a, s) => a + s.length, 0), recorded.tokens, `${lang}: exported length equals the counted tokens`);
    assert.ok(sequences.length > 1 && sequences.every((s) => s[0] === bos && s.length <= 128), `${lang}: each sequence starts with BOS and fits --seq-len`);
    const replay = counts(loaded, sequences);
    assert.equal(replay.tokens, recorded.tokens);
    assert.deepEqual(Array.from(replay.overZero), Array.from(recorded.overZero), `${lang}: replaying the exported ids gives the recorded counts`);
    // Negative control: the held-out sequences of the same language give other counts.
    const other = counts(loaded, readEvalTokens(out, lang).sequences);
    assert.notDeepEqual(Array.from(other.overZero), Array.from(recorded.overZero));
  }
});

test('a shard run exports only its own sequences; the shards together are the full run', () => {
  const full = join(dir, 'full');
  const shards = [0, 1].map((i) => {
    const out = join(dir, `s${i}`);
    runCliJson(['detect', ...common, '--out', out, '--shard', `${i}/2`]);
    return out;
  });
  for (const lang of LANGS) {
    const whole = readDetectTokens(full, lang).sequences;
    const parts = shards.map((s) => readDetectTokens(s, lang).sequences);
    // Sequence i belongs to shard i % 2: interleave them back.
    const merged = whole.map((_, i) => parts[i % 2][Math.floor(i / 2)]);
    assert.deepEqual(merged, whole, `${lang}: shard sequences interleave into the full run's`);
    assert.equal(parts[0].length + parts[1].length, whole.length);
    shards.forEach((s, i) => {
      const t = readStatsFile(join(s, 'stats.lapestats')).stats.languages.find((l) => l.lang === lang)!.tokens;
      assert.equal(parts[i].reduce((a, q) => a + q.length, 0), t, `${lang} shard ${i}: exported length equals its counted tokens`);
    });
  }
});
