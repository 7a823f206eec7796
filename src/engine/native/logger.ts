import koffi from 'koffi';
import type { LlamaApi } from './llamaApi.ts';

/**
 * llama.cpp explains most failures (an unknown architecture, a bad tensor) only in its
 * log. The engine keeps the recent lines so that its errors can quote them, and prints
 * them to stderr only when LAPE_LLAMA_LOG asks for it (`error`, `warn`, `info`, `debug`).
 */
const LEVELS: Record<string, number> = { none: 0, debug: 1, info: 2, warn: 3, error: 4 };
const recent: string[] = [];
let partial = '';
let lastLevel = 0;
let registered: ReturnType<typeof koffi.register> | undefined;

export function installLogger(api: LlamaApi): void {
  if (registered) return;
  const threshold = LEVELS[(process.env.LAPE_LLAMA_LOG ?? 'none').toLowerCase()] ?? 0;
  registered = koffi.register((level: number, text: string) => {
    // GGML_LOG_LEVEL_CONT (5) continues the previous line at its level.
    const effective = level === 5 ? lastLevel : level;
    lastLevel = effective;
    partial += text ?? '';
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      recent.push(line);
      if (recent.length > 200) recent.shift();
      if (threshold > 0 && effective >= threshold) process.stderr.write(`[llama.cpp] ${line}\n`);
    }
  }, 'ggml_log_callback *');
  api.llama_log_set(registered, null);
}

/** The last llama.cpp log lines at warning level or above, most recent last. */
export function recentLlamaLog(max = 8): string[] {
  return recent.filter((l) => /error|fail|unknown|invalid|missing|unsupported|wrong|corrupt/i.test(l)).slice(-max);
}

/** Marks a point in the log; `llamaLogSince(mark)` returns what came after it. */
export function llamaLogMark(): number {
  return recent.length;
}

export function llamaLogSince(mark: number): string[] {
  return recent.slice(Math.min(mark, recent.length));
}
