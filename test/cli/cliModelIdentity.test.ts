// A results folder belongs to the model file it was made with, weights included: a copy of
// that file with 4 KiB of its tensor data changed (same size, same GGUF header, so the same
// headerSha256) is refused by every command that takes a model and a results folder, an
// identical copy is accepted, and a folder written before contentSha256 existed still works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { readGgufFileInfo } from 'node-llama-cpp';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { readModelFacts, type ModelFacts } from '../../src/engine/index.ts';
import { contentSampleRanges, headerSampleRanges } from '../../src/engine/hashModelFile.ts';
import { readStatsFile, writeStatsFile } from '../../src/lape/formats/statsFile.ts';
import type { ResidualMeansFile, ResultsSummary } from '../../src/protocol/results.ts';
import { runCli, runCliJson, type CliResult } from './runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-identity-'));
const a = join(dir, 'a.gguf');
const b = join(dir, 'b.gguf'); // a with random bytes written into its tensor data
const c = join(dir, 'c.gguf'); // an identical copy of a
const out = join(dir, 'run');
const old = join(dir, 'old'); // `out` as written before contentSha256 existed
const common = ['--langs', 'en,zh,fr', '--budget', '400', '--eval-budget', '100', '--seq-len', '64', '--threads', '2', '--residual-means'];
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'summary.schema.json'), 'utf8'));
let facts: { a: ModelFacts; b: ModelFacts; c: ModelFacts };

const generate = (model: string, results: string, ...args: string[]) =>
  runCli(['generate', '--model', model, '--results', results, '--prompt', 'All human beings', '--max-tokens', '4', '--force', 'fr', ...args]);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

before(async () => {
  // 2 layers x 2048 neurons: about 7 MB of tensor data, so the content hash samples it
  // instead of reading it whole.
  await writeSyntheticModel(a, { arch: 'llama', nLayer: 2, nEmbd: 128, nFf: 2048, nHead: 4, nCtx: 256, seed: 41 });
  copyFileSync(a, c);
  copyFileSync(a, b);
  const info = await readGgufFileInfo(a, { logWarnings: false });
  const dataStart = info.infoEndOffset!;
  const size = readFileSync(a).length;
  // 4 KiB of other weights inside the 21st sample, away from the three samples of headerSha256:
  // finite F32 values on F32 boundaries, so that b still runs (detection measures it below).
  const sample = contentSampleRanges(dataStart, size)[20];
  const at = dataStart + 4 * Math.ceil((sample.start + 30_000 - dataStart) / 4);
  const junk = new Uint8Array(Float32Array.from({ length: 1024 }, (_, i) => 0.05 * Math.sin(i + 1)).buffer);
  assert.ok(at + junk.length <= sample.start + sample.length);
  assert.ok(headerSampleRanges(dataStart, size).every((r) => at + junk.length <= r.start || at >= r.start + r.length));
  const fd = openSync(b, 'r+');
  writeSync(fd, junk, 0, junk.length, at);
  closeSync(fd);
  facts = { a: await readModelFacts(a), b: await readModelFacts(b), c: await readModelFacts(c) };
  runCliJson(['detect', '--model', a, ...common, '--out', out]);
  cpSync(out, old, { recursive: true });
  stripContentHashes(old);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Rewrites a results folder as it was before contentSha256: summary, statistics and residual means without it. */
function stripContentHashes(folder: string): void {
  const summary = readJson<ResultsSummary>(join(folder, 'summary.json'));
  delete summary.model.contentSha256;
  writeFileSync(join(folder, 'summary.json'), JSON.stringify(summary, null, 1));
  const means = readJson<ResidualMeansFile>(join(folder, 'residual-means.json'));
  delete means.modelContentSha256;
  writeFileSync(join(folder, 'residual-means.json'), JSON.stringify(means));
  const statsFiles = [join(folder, 'stats.lapestats'), ...readdirSync(join(folder, 'partial')).filter((f) => f.endsWith('.lapestats')).map((f) => join(folder, 'partial', f))];
  for (const path of statsFiles) {
    const file = readStatsFile(path);
    delete file.meta.model.contentSha256;
    writeStatsFile(path, file);
  }
}

function assertRefusesB(r: CliResult, what: string): void {
  assert.notEqual(r.code, 0, `${what} must refuse b.gguf`);
  assert.match(r.stderr, /was made with a\.gguf, not b\.gguf/, what);
  assert.match(r.stderr, /GGUF headers are the same but the tensor data differs/, what);
  assert.match(r.stderr, /detect again with this one|Run detection again with this model/, what);
}

test('the corrupted copy has the header hash of the original, and only the content hash tells them apart', () => {
  // Without this, the refusals below could come from the old header comparison.
  assert.equal(facts.b.headerSha256, facts.a.headerSha256);
  assert.equal(facts.b.sizeBytes, facts.a.sizeBytes);
  assert.notEqual(facts.b.contentSha256, facts.a.contentSha256);
  assert.equal(facts.c.contentSha256, facts.a.contentSha256);
  assert.equal(facts.c.headerSha256, facts.a.headerSha256);
});

test('detect records the content hash in summary.json, the statistics and the residual means', () => {
  const summary = readJson<ResultsSummary>(join(out, 'summary.json'));
  assert.equal(summary.model.contentSha256, facts.a.contentSha256);
  const validate = new Ajv({ allErrors: true }).compile(schema);
  assert.ok(validate(summary), JSON.stringify(validate.errors));
  assert.equal(validate({ ...summary, model: { ...summary.model, contentSha256: 'not a hash' } }), false, 'the schema checks the field');
  assert.equal(readStatsFile(join(out, 'stats.lapestats')).meta.model.contentSha256, facts.a.contentSha256);
  assert.equal(readStatsFile(join(out, 'partial', 'en.lapestats')).meta.model.contentSha256, facts.a.contentSha256);
  assert.equal(readJson<ResidualMeansFile>(join(out, 'residual-means.json')).modelContentSha256, facts.a.contentSha256);
});

test('generate, ppl and export refuse the copy with changed tensor data, naming both files and the fix', () => {
  assertRefusesB(generate(b, out), 'generate --force');
  assertRefusesB(generate(b, out, '--method', 'diffmean'), 'generate --method diffmean');
  assertRefusesB(runCli(['ppl', out, '--model', b]), 'ppl');
  assertRefusesB(runCli(['export', out, '--format', 'lora', '--language', 'fr', '--model', b, '--out', join(dir, 'b.lora.gguf')]), 'export --format lora');
});

test('an identical copy under another name is accepted by the same commands', () => {
  for (const [what, r] of [
    ['generate --force', generate(c, out)],
    ['generate --method diffmean', generate(c, out, '--method', 'diffmean')],
    ['ppl', runCli(['ppl', out, '--model', c])],
    ['export --format lora', runCli(['export', out, '--format', 'lora', '--language', 'fr', '--model', c, '--out', join(dir, 'c.lora.gguf')])],
  ] as const) {
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  }
});

test('detection does not resume statistics of the original with the changed copy', () => {
  const again = join(dir, 'again');
  cpSync(out, again, { recursive: true });
  runCliJson(['detect', '--model', b, ...common, '--out', again]);
  const partial = readStatsFile(join(again, 'partial', 'en.lapestats'));
  assert.equal(partial.meta.model.contentSha256, facts.b.contentSha256, 'en was measured again, on b');
  assert.equal(readJson<ResultsSummary>(join(again, 'summary.json')).model.contentSha256, facts.b.contentSha256);
});

test('a results folder written before the content hash existed is still accepted, on size and header hash', () => {
  assert.equal(readJson<ResultsSummary>(join(old, 'summary.json')).model.contentSha256, undefined);
  assert.equal(readStatsFile(join(old, 'stats.lapestats')).meta.model.contentSha256, undefined);
  for (const [what, r] of [
    ['generate --method diffmean', generate(a, old, '--method', 'diffmean')],
    ['ppl', runCli(['ppl', old, '--model', a])],
  ] as const) {
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  }
  // Detection resumes its finished languages: their statistics are not measured again.
  const partial = join(old, 'partial', 'en.lapestats');
  const stamp = readFileSync(partial);
  runCliJson(['detect', '--model', a, ...common, '--out', old]);
  assert.deepEqual(readFileSync(partial), stamp, 'en was resumed, not recomputed');
  // What such a folder cannot do: it has no content hash to tell the changed copy apart.
  const legacy = join(dir, 'legacy');
  cpSync(out, legacy, { recursive: true });
  stripContentHashes(legacy);
  const r = runCli(['export', legacy, '--format', 'lora', '--language', 'fr', '--model', b, '--out', join(dir, 'legacy.lora.gguf')]);
  assert.equal(r.code, 0, r.stderr);
});
