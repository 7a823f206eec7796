// Every synthetic architecture must load and run in the bundled llama.cpp, and the byte
// vocabulary must round-trip any text through llama.cpp's own tokenizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteTokenize, byteVocab } from '../../src/gguf/byteVocab.ts';
import { SYNTHETIC_ARCHS } from '../../src/gguf/syntheticArch.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { llamaCppLogProbs, testLlama } from '../reference/llamaCpp.ts';
import { MULTILINGUAL_SAMPLES } from './multilingualSamples.ts';

const dir = await mkdtemp(join(tmpdir(), 'lape-load-'));
test.after(() => rm(dir, { recursive: true, force: true }));

for (const arch of SYNTHETIC_ARCHS) {
  for (const dtype of ['f32', 'f16'] as const) {
    test(`${arch} ${dtype} loads in llama.cpp, tokenizes exactly and evaluates`, async () => {
      const path = join(dir, `${arch}-${dtype}.gguf`);
      // GQA where the architecture has separate K/V heads in the wild; bloom and phi3 models do not.
      const nHeadKv = arch === 'bloom' || arch === 'phi3' ? 4 : 2;
      const w = await writeSyntheticModel(path, { arch, dtype, nLayer: 2, nEmbd: 64, nFf: 128, nHead: 4, nHeadKv, seed: 1 });
      const llama = await testLlama();
      const model = await llama.loadModel({ modelPath: path });
      try {
        assert.equal(model.trainContextSize, w.hparams.nCtx);
        assert.equal(model.embeddingVectorSize, 64);
        assert.equal(model.tokens.bos, 1);
        assert.equal(model.tokens.eos, 2);
        const vocab = byteVocab();
        for (const [lang, text] of Object.entries(MULTILINGUAL_SAMPLES)) {
          const tokens = model.tokenize(text);
          assert.deepEqual(tokens, byteTokenize(vocab, text), `${lang}: llama.cpp tokens`);
          // U+2581 is the space piece itself, so it comes back as a space (see byteVocab.ts).
          assert.equal(model.detokenize(tokens), text.replaceAll('\u2581', ' '), `${lang}: round trip`);
        }
        const tokens = [vocab.bosId, ...model.tokenize(MULTILINGUAL_SAMPLES.fr).slice(0, 15)];
        const logProbs = await llamaCppLogProbs(model, tokens);
        for (const lp of logProbs) {
          assert.equal(lp.length, 260);
          let total = 0;
          for (const v of lp) {
            assert.ok(Number.isFinite(v), 'every token has a finite log-probability');
            total += Math.exp(v);
          }
          assert.ok(Math.abs(total - 1) < 1e-4);
        }
        // A random model should still depend on its input: positions must not all agree.
        assert.notDeepEqual(logProbs[1], logProbs[logProbs.length - 1]);
      } finally {
        await model.dispose();
      }
    });
  }
}
