import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** sha256 of a file, streamed (a model is hundreds of megabytes). */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Why `path` is not the expected model file, or undefined when it is. */
export async function checkModelFile(path: string, expected: { sha256: string; bytes: number }, signal?: AbortSignal): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size !== expected.bytes) return `it has ${size} bytes, not ${expected.bytes}`;
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    if (magic.toString('latin1') !== 'GGUF') return 'it does not start with the GGUF magic';
  } finally {
    await handle.close();
  }
  const sha = await sha256File(path, signal);
  return sha === expected.sha256 ? undefined : `its sha256 is ${sha}, not ${expected.sha256}`;
}
