import { parseArgs, type ParseArgsConfig } from 'node:util';

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

export function num(value: unknown, name: string, check: (n: number) => boolean = Number.isFinite): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!check(n)) throw new UsageError(`--${name} must be a valid number, got "${String(value)}".`);
  return n;
}

export const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
export const rate = (n: number) => n > 0 && n <= 1;

export function shardArg(value: unknown): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(String(value));
  if (!m || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard must be i/n with 0 <= i < n (e.g. 0/4), got "${String(value)}".`);
  return { index: Number(m[1]), count: Number(m[2]) };
}
