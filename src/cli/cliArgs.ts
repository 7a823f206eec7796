import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GPU_SETTINGS, isGpuSetting, type GpuSetting } from '../protocol/gpuSetting.ts';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with errors that say how to get help. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Options, allowPositionals = true): Parsed {
  try {
    return parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true }) as Parsed;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. See \`lape ${command} --help\`.`);
  }
}

export function list(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A rule a numeric option must follow, and how to say it in an error. */
export interface NumberRule {
  ok: (n: number) => boolean;
  /** Completes "--x must be ...", e.g. "a whole number of at least 1". */
  what: string;
}

export const anyNumber: NumberRule = { ok: Number.isFinite, what: 'a number' };
export const integer: NumberRule = { ok: Number.isInteger, what: 'a whole number' };
export const positiveInt: NumberRule = { ok: (n) => Number.isInteger(n) && n > 0, what: 'a whole number of at least 1' };
export const nonNegativeInt: NumberRule = { ok: (n) => Number.isInteger(n) && n >= 0, what: 'a whole number of at least 0' };
export const rate: NumberRule = { ok: (n) => n > 0 && n <= 1, what: 'above 0 and at most 1' };
export const nonNegative: NumberRule = { ok: (n) => n >= 0, what: 'at least 0' };
export const positive: NumberRule = { ok: (n) => n > 0, what: 'above 0' };

/** Parses a numeric option; the error tells a value that is not a number from one out of range. */
export function num(value: unknown, name: string, rule: NumberRule = anyNumber): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${String(value)}".`);
  if (!rule.ok(n)) throw new UsageError(`--${name} must be ${rule.what}, got ${text}.`);
  return n;
}

export function shardArg(value: unknown): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(String(value));
  if (!m || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard must be i/n with 0 <= i < n (e.g. 0/4), got "${String(value)}".`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/**
 * Takes `--gpu X` (or `--gpu=X`) out of a command's arguments: the engine is one per
 * process and is chosen before the command runs. Left out, LAPE_GPU decides.
 */
export function takeGpuOption(argv: string[]): { gpu?: GpuSetting; rest: string[] } {
  const rest: string[] = [];
  let gpu: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--gpu' || a.startsWith('--gpu=')) {
      gpu = a === '--gpu' ? argv[++i] : a.slice('--gpu='.length);
      if (gpu === undefined || gpu.startsWith('-')) throw new UsageError(`--gpu needs a value: ${GPU_SETTINGS.join(', ')}.`);
      continue;
    }
    rest.push(a);
  }
  if (gpu === undefined) return { rest };
  const value = gpu.trim().toLowerCase();
  if (!isGpuSetting(value)) throw new UsageError(`--gpu must be one of ${GPU_SETTINGS.join(', ')}, got "${gpu}".`);
  return { gpu: value, rest };
}
