import type { PipelineProgress } from '../protocol/pipelineTypes.ts';

/** Prints a table of rows (first row is the header), columns padded to fit. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function percent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`;
}

/**
 * Progress on stderr: one updating line on a terminal, a line every few seconds otherwise.
 * Warnings always get a line of their own, also with --json; only --quiet silences them.
 */
export function progressPrinter(quiet = false, warnings = true): (p: PipelineProgress) => void {
  let last = 0;
  const tty = process.stderr.isTTY;
  return (p) => {
    if (p.warning) {
      if (warnings) printWarning(p.message);
      return;
    }
    if (quiet) return;
    const now = Date.now();
    if (!tty && now - last < 3000 && p.done !== p.total) return;
    last = now;
    const pct = p.total ? ` ${((100 * (p.done ?? 0)) / p.total).toFixed(0)}%` : '';
    const rate = p.tokensPerSecond ? ` ${p.tokensPerSecond.toFixed(0)} tok/s` : '';
    const eta = p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds) ? ` ETA ${Math.ceil(p.etaSeconds)}s` : '';
    const text = `[${p.phase}]${pct}${rate}${eta} ${p.message}`;
    if (tty) process.stderr.write(`\r\x1b[2K${text.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else process.stderr.write(`${text}\n`);
  };
}

/** A warning on a line of its own on stderr, over a progress line that is being updated. */
export function printWarning(message: string): void {
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}warning: ${message}\n`);
}

export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
