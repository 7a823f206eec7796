// Editor figures of issue 8, measured on the extension's own code paths outside VS Code:
// the analysis process started by AnalysisClient (as the extension starts it), completions
// built by completionRequest (as LanguageCompletionProvider builds them), and the
// extension host's EventLoopLagMonitor running in this process while a detection runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalysisClient } from '../src/extension/AnalysisClient.ts';
import { EventLoopLagMonitor, type LagReport } from '../src/extension/EventLoopLagMonitor.ts';
import { completionRequest } from '../src/protocol/completionRequest.ts';
import { forceLanguageSpec } from '../src/protocol/steering.ts';
import { DetectRequest, GenerateRequest } from '../src/protocol/analysisProtocol.ts';

export interface LatencyFigures {
  requests: number;
  /** The provider's debounce, added before every request; not part of the figures below. */
  debounceMs: number;
  /** Request sent to first streamed piece of text, milliseconds. */
  firstTextMedianMs: number;
  firstTextP90Ms: number;
  /** Request sent to the whole ghost text (what the provider returns), milliseconds. */
  completionMedianMs: number;
  completionP90Ms: number;
}

export interface EditorFigures {
  model: string;
  unsteered: LatencyFigures;
  forcedFrench: LatencyFigures;
  /** Event-loop lag of this process (the extension host's side) during a detection. */
  detectionLag: LagReport & { tokens: number };
}

const root = fileURLToPath(new URL('..', import.meta.url));
const DEBOUNCE_MS = 300; // languageNeurons.completions.debounceMs default

/** Prompts users might type: the first lines of the reference's multilingual questions. */
function prompts(n: number): string[] {
  const dir = join(root, '..', 'shared', 'reference', 'mvicuna');
  const lines: string[] = [];
  for (const lang of ['en', 'fr', 'es', 'zh', 'vi', 'id', 'ja']) {
    try {
      lines.push(...readFileSync(join(dir, `${lang}.txt`), 'utf8').split('\n').filter((l) => l.trim()).slice(0, 3));
    } catch {
      // Without the reference folder, numbered prompts still differ, so no answer is cached.
    }
  }
  return Array.from({ length: n }, (_, i) => `${lines[i % Math.max(1, lines.length)] ?? 'Article'} ${i + 1}. `);
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function latencies(client: AnalysisClient, model: string, resultsDir: string | undefined, steered: boolean, n: number): Promise<LatencyFigures> {
  const first: number[] = [];
  const whole: number[] = [];
  for (const prefix of prompts(n)) {
    const request = completionRequest({ model, resultsDir, prefix, suffix: '', steering: steered ? forceLanguageSpec(['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'], 'fr') : undefined });
    const t0 = performance.now();
    let tFirst = 0;
    await client.request(GenerateRequest, request, { background: true, onText: () => { if (!tFirst) tFirst = performance.now(); } });
    const t1 = performance.now();
    first.push((tFirst || t1) - t0);
    whole.push(t1 - t0);
  }
  return {
    requests: n,
    debounceMs: DEBOUNCE_MS,
    firstTextMedianMs: quantile(first, 0.5),
    firstTextP90Ms: quantile(first, 0.9),
    completionMedianMs: quantile(whole, 0.5),
    completionP90Ms: quantile(whole, 0.9),
  };
}

export async function editorBench(outDir: string, log: (s: string) => void): Promise<EditorFigures> {
  const client = new AnalysisClient({ modulePath: join(root, 'src/analysis/main.ts'), execArgv: ['--import', 'tsx'], cwd: root });
  try {
    const model = 'demo';
    const budget = 6000;
    log(`event-loop lag of this process while the analysis process detects (demo model, 7 x ${budget} tokens)`);
    const monitor = new EventLoopLagMonitor();
    monitor.start('detect');
    await client.request(DetectRequest, { model, languages: ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'], outDir, budget, sequenceLength: 256 });
    const lag = monitor.stop()!;
    log(`  max ${lag.maxLagMs.toFixed(1)} ms, mean ${lag.meanLagMs.toFixed(2)} ms over ${(lag.durationMs / 1000).toFixed(1)} s`);
    // The model is loaded now, as it is after the first completion of a session.
    log('inline completion latency, 20 requests each, unsteered and with "Force output language: fr"');
    const unsteered = await latencies(client, model, undefined, false, 20);
    const forcedFrench = await latencies(client, model, outDir, true, 20);
    log(`  first text: median ${unsteered.firstTextMedianMs.toFixed(0)} ms unsteered, ${forcedFrench.firstTextMedianMs.toFixed(0)} ms steered`);
    return { model, unsteered, forcedFrench, detectionLag: { ...lag, tokens: 7 * budget } };
  } finally {
    await client.dispose();
  }
}
