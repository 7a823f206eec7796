// writeStatsFile goes through a temporary file and a rename (issue 14): a process killed in the
// middle of writing must leave the statistics that were there before, not half a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readStatsFile, writeStatsFile } from '../../src/lape/formats/statsFile.ts';
import { randomStats } from './lapeTestSupport.ts';

const meta = {
  model: { fileName: 'tiny.gguf', sizeBytes: 1, headerSha256: 'ab'.repeat(32) },
  corpus: { name: 'udhr', sha256: 'cd'.repeat(32) },
  tokenBudget: 1000,
  sequenceLength: 128,
  shards: 1,
};

test('a process killed in the middle of writeStatsFile leaves the previous statistics intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lape-atomic-'));
  const path = join(dir, 'stats.lapestats');
  const before = { meta, stats: randomStats({ nLayer: 2, nFf: 8, langs: ['en', 'zh'], seed: 1 }) };
  writeStatsFile(path, before);
  // The child overwrites the file with other statistics and is SIGKILLed by its own second
  // write call: after the header, before the body. No timing is involved.
  const child = join(dir, 'child.mts');
  writeFileSync(child, `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const { writeStatsFile } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../src/lape/formats/statsFile.ts')).href)});
const { randomStats } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'lapeTestSupport.ts')).href)});
const write = fs.writeSync;
let calls = 0;
fs.writeSync = (...args) => (++calls === 2 ? process.kill(process.pid, 'SIGKILL') : write(...args));
syncBuiltinESMExports();
writeStatsFile(${JSON.stringify(path)}, { meta: ${JSON.stringify(meta)}, stats: randomStats({ nLayer: 2, nFf: 8, langs: ['en', 'zh'], seed: 2 }) });
`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8' });
  assert.equal(r.signal, 'SIGKILL', `the child was killed mid-write (status ${r.status}, ${r.stderr})`);
  assert.deepEqual(readStatsFile(path), before);
  // Negative control: a write that is not killed does replace the statistics.
  const after = { meta, stats: randomStats({ nLayer: 2, nFf: 8, langs: ['en', 'zh'], seed: 2 }) };
  writeStatsFile(path, after);
  assert.deepEqual(readStatsFile(path), after);
  // The killed child's temporary file stays (nothing could remove it); a complete write leaves none.
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.tmp-') && !n.endsWith(`.tmp-${r.pid}`)), []);
});
