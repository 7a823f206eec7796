import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lape` from the sources in a child process, as a user would run the command. */
export function runCli(args: string[], options: { cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', cwd: options.cwd, maxBuffer: 1 << 27, env: { ...process.env, LAPE_LLAMA_LOG: 'none' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function runCliJson<T = Record<string, unknown>>(args: string[], options: { cwd?: string } = {}): T {
  const r = runCli([...args, '--json'], options);
  if (r.code !== 0) throw new Error(`lape ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
