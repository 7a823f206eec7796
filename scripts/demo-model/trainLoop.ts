// The training loop: epochs of shuffled rows, a warm-up + cosine learning rate set before
// every optimizer step, the thread count chosen as it goes, progress lines, and the loss
// curves for the model card.
import { SeededRandom } from '../../src/gguf/seededRandom.ts';
import type { OptTrainer, TrainingRow } from '../../src/engine/training/OptTrainer.ts';
import { heldOutLoss } from './heldOutLoss.ts';
import type { ModelCard } from './modelCard.ts';
import type { DemoRecipe } from './recipe.ts';
import { ThreadChooser } from './threadChooser.ts';
import { epochRows, learningRate, type LanguageStream } from './trainingRows.ts';

export interface TrainLoopResult {
  steps: number;
  seconds: number;
  /** Optimizer steps taken with each thread count. */
  stepsByThreads: Record<string, number>;
  lossCurve: ModelCard['training']['lossCurve'];
  heldOutCurve: NonNullable<ModelCard['training']['heldOutCurve']>;
}

/** Steps per thread-count decision: long enough to time, short enough to react to load. */
const CHUNK = 8;

export async function trainLoop(trainer: OptTrainer, streams: readonly LanguageStream[], recipe: DemoRecipe, log: (line: string) => void, signal?: AbortSignal): Promise<TrainLoopResult> {
  const model = trainer.model;
  const meanStream = streams.reduce((a, s) => a + s.tokens.length, 0) / streams.length;
  const rowsPerLanguage = Math.max(1, Math.round((recipe.rowsPerEpochScale * meanStream) / (recipe.contextSize - 1)));
  const stepsPerEpoch = rowsPerLanguage * streams.length;
  const totalSteps = stepsPerEpoch * recipe.epochs;
  log(`training ${recipe.epochs} epochs x ${stepsPerEpoch} steps of ${recipe.contextSize} tokens, up to ${trainer.threads} thread(s)`);

  const rng = new SeededRandom(recipe.seed + 1);
  const lr = (step: number) => learningRate(step, totalSteps, recipe.learningRate, recipe.minLearningRate, recipe.warmupSteps);
  trainer.setAdamW({ alpha: lr(0) });
  const started = Date.now();
  const block = Math.max(1, Math.round(totalSteps / 100));
  const result: TrainLoopResult = { steps: totalSteps, seconds: 0, stepsByThreads: {}, lossCurve: [], heldOutCurve: [] };
  const chooser = new ThreadChooser(trainer.threads > 1 ? [trainer.threads, 1] : [1]);
  let blockSum = 0;
  let blockN = 0;
  let logSum = 0;
  let logN = 0;
  let epoch = 0;

  const onStep = (step: number, loss: number) => {
    // `step` steps are done; set the rate of the next one.
    trainer.setAdamW({ alpha: lr(step) });
    blockSum += loss;
    blockN++;
    logSum += loss;
    logN++;
    if (blockN === block || step === totalSteps) {
      result.lossCurve.push({ step, loss: blockSum / blockN });
      blockSum = blockN = 0;
    }
    if (step % 25 === 0 || step === totalSteps) {
      const elapsed = (Date.now() - started) / 1000;
      const eta = (elapsed / step) * (totalSteps - step);
      log(`epoch ${epoch + 1}/${recipe.epochs}  step ${step}/${totalSteps}  loss ${(logSum / logN).toFixed(3)}  lr ${trainer.learningRate.toExponential(1)}  ${trainer.threads} thread(s)  ${elapsed.toFixed(0)}s, ~${eta.toFixed(0)}s left`);
      logSum = logN = 0;
    }
  };
  const trainChunk = (chunk: readonly TrainingRow[]) => {
    const threads = chooser.next();
    trainer.setThreads(threads);
    const t0 = Date.now();
    trainer.trainRows(chunk, { onStep });
    chooser.record(threads, Date.now() - t0, chunk.length);
    result.stepsByThreads[threads] = (result.stepsByThreads[threads] ?? 0) + chunk.length;
  };

  for (; epoch < recipe.epochs; epoch++) {
    signal?.throwIfAborted();
    const rows = epochRows(streams, recipe.contextSize, rowsPerLanguage, model.bos, rng);
    for (let c = 0; c < rows.length; c += CHUNK) {
      trainChunk(rows.slice(c, c + CHUNK));
      // Let signals (Ctrl-C) and aborts through: llama_opt_epoch blocks this thread while it runs.
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
    if (recipe.evalEveryEpoch) {
      const ctx = model.createContext({ contextSize: recipe.contextSize, batchSize: recipe.contextSize, threads: trainer.threads });
      try {
        const h = await heldOutLoss(model, ctx, recipe.languages, { seqLen: recipe.contextSize, evalBudget: recipe.evalBudget, signal });
        result.heldOutCurve.push({ epoch: epoch + 1, natsPerToken: Object.fromEntries(h.map((x) => [x.lang, x.natsPerToken])) });
        const mean = h.reduce((a, x) => a + x.natsPerByte, 0) / h.length;
        log(`held-out after epoch ${epoch + 1} (nats/token): ${h.map((x) => `${x.lang} ${x.natsPerToken.toFixed(2)}`).join('  ')}  (mean ${mean.toFixed(3)} nats/byte)`);
      } finally {
        ctx.dispose();
      }
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
