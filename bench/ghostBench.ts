// Ghost text while typing, on the extension's own path: the analysis process started by
// AnalysisClient as the extension starts it, each request built by completionRequest from the
// document's text before the cursor as LanguageCompletionProvider builds it, one character
// appended per keystroke. Timed from the generate request (i.e. after the provider's
// debounce) to the first streamed text.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalysisClient } from '../src/extension/AnalysisClient.ts';
import { completionRequest } from '../src/protocol/completionRequest.ts';
import { GenerateRequest } from '../src/protocol/analysisProtocol.ts';

export interface GhostFigures {
  keystrokes: number;
  /** Characters of the document; the request's prompt is its last maxPrefixChars, cut at a line start. */
  documentChars: number;
  /** Request sent to first streamed text, milliseconds, over the keystrokes (the warm-up request excluded). */
  firstTokenMs: { p50: number; p90: number; max: number };
  /** Request sent to the whole ghost text, milliseconds. */
  completionMs: { p50: number; p90: number };
  /** Whether requests asked for KV-cache reuse (GenerateRequest.reuseCache); false until that field exists. */
  reuseCache: boolean;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
/** What the user types, one character per keystroke. */
const TYPED = ' Everyone has the right to education, to work and to rest.';

export async function ghostBench(model: string, document: string, keystrokes: number, log: (s: string) => void): Promise<GhostFigures> {
  const client = new AnalysisClient({ modulePath: join(root, 'src/analysis/main.ts'), execArgv: ['--import', 'tsx'], cwd: root });
  try {
    const ask = async (prefix: string) => {
      const request = completionRequest({ model, prefix, suffix: '' });
      // completionRequest asks for KV-cache reuse, as the extension's ghost text does.
      const t0 = performance.now();
      let tFirst = 0;
      await client.request(GenerateRequest, request, { background: true, onText: () => { if (!tFirst) tFirst = performance.now(); } });
      const t1 = performance.now();
      return { first: (tFirst || t1) - t0, whole: t1 - t0, reuse: 'reuseCache' in request && Boolean(request.reuseCache) };
    };
    // The model is loaded by the first completion of a session; that one is not a keystroke.
    let text = document;
    const warm = await ask(text);
    log(`    warm-up request (loads the model): ${warm.whole.toFixed(0)} ms`);
    const first: number[] = [];
    const whole: number[] = [];
    for (let k = 0; k < keystrokes; k++) {
      text += TYPED[k % TYPED.length];
      const r = await ask(text);
      first.push(r.first);
      whole.push(r.whole);
      log(`    keystroke ${k + 1}/${keystrokes}: first text ${r.first.toFixed(0)} ms, whole ghost text ${r.whole.toFixed(0)} ms`);
    }
    return {
      keystrokes,
      documentChars: document.length,
      firstTokenMs: { p50: quantile(first, 0.5), p90: quantile(first, 0.9), max: Math.max(...first) },
      completionMs: { p50: quantile(whole, 0.5), p90: quantile(whole, 0.9) },
      reuseCache: warm.reuse,
    };
  } finally {
    await client.dispose();
  }
}
