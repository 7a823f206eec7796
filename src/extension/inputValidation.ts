// Validators for input boxes: undefined when the text is acceptable, else what to fix. vscode-free.

const MIN_BUDGET = 256;
const MAX_BUDGET = 100_000_000;

export function parseBudget(value: string): number {
  return Number(value.replace(/[_,\s]/g, ''));
}

export function checkBudget(value: string): string | undefined {
  const n = parseBudget(value);
  if (value.trim() === '' || !Number.isInteger(n)) return 'Enter a whole number of tokens, e.g. 20000.';
  if (n < MIN_BUDGET || n > MAX_BUDGET) return `Between ${MIN_BUDGET} and ${MAX_BUDGET.toLocaleString('en')} tokens per language.`;
  return undefined;
}

/** The three identification parameters are shares, strictly between 0 and 1. */
export function checkRate(value: string): string | undefined {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) return 'Enter a number such as 0.01.';
  if (n <= 0 || n >= 1) return 'Must be greater than 0 and less than 1.';
  return undefined;
}
