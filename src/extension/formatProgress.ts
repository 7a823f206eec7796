import type { PipelineProgress } from '../protocol/analysisProtocol.ts';

const PHASES: Record<PipelineProgress['phase'], string> = {
  load: 'Loading the model',
  tokenize: 'Tokenizing',
  detect: 'Recording activations',
  identify: 'Identifying neurons',
  perplexity: 'Measuring perplexity',
  generate: 'Generating',
  write: 'Writing results',
};

const COUNTED = new Set<PipelineProgress['phase']>(['detect', 'perplexity', 'generate']);
const numbers = new Intl.NumberFormat('en');

/** "Recording activations: zh · 12,000/140,000 tokens · 850 tok/s · ETA 2m 40s". vscode-free. */
export function formatProgress(p: PipelineProgress): string {
  const parts: string[] = [];
  const head = p.message.trim();
  // The pipeline's own sentences ("Loading model.gguf") stand alone; bare details ("zh") get the phase.
  parts.push(head === '' ? PHASES[p.phase] : /^\p{Lu}/u.test(head) ? head : `${PHASES[p.phase]}: ${head}`);
  if (COUNTED.has(p.phase) && p.done !== undefined && p.total !== undefined && p.total > 0) {
    parts.push(`${numbers.format(Math.round(p.done))}/${numbers.format(Math.round(p.total))} tokens`);
  }
  if (p.tokensPerSecond !== undefined && p.tokensPerSecond > 0) {
    parts.push(`${numbers.format(Math.round(p.tokensPerSecond))} tok/s`);
  }
  if (p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds)) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' · ');
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
