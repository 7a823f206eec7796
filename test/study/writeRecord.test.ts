// Where the steering study's record goes: the --out file as before, and the same JSON in the
// results folder it was measured on; merge.ts does the same only when its shards share one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultsRecordPath, sharedResultsDir, writeStudyRecord } from '../../scripts/steering-study/writeRecord.ts';
import { toSteeringStudyView } from '../../src/pipeline/steeringStudyFile.ts';
import { resultsFolderWithStudy, studyRecord, type StudyRecordJson } from '../fixtures/steeringStudy.ts';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

test('the record goes to --out, its table beside it, and the same JSON into the results folder', () => {
  const results = resultsFolderWithStudy(false);
  const out = join(tmp('lape-study-out-'), 'nested', 'study.json');
  const json = { study: 'steering', n: 1 };
  writeStudyRecord(out, json, '# table\n', results);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), json);
  assert.equal(readFileSync(out.replace(/\.json$/, '.md'), 'utf8'), '# table\n');
  assert.equal(readFileSync(resultsRecordPath(results), 'utf8'), readFileSync(out, 'utf8'));
  assert.equal(existsSync(join(results, 'steering-study.md')), false, 'only the JSON goes into the folder');

  const alone = join(tmp('lape-study-out-'), 'study.json');
  writeStudyRecord(alone, json, '', undefined);
  assert.ok(existsSync(alone));
});

test('shards share a results folder only when they all name the same one, and it holds results here', () => {
  const dir = resultsFolderWithStudy(false);
  assert.deepEqual(sharedResultsDir([dir, dir]), { dir });
  assert.match((sharedResultsDir([dir, `${dir}-other`]) as { why: string }).why, /2 results folders/);
  assert.match((sharedResultsDir([undefined, undefined]) as { why: string }).why, /1 results folders/);
  assert.match((sharedResultsDir(['/nowhere/lape', '/nowhere/lape']) as { why: string }).why, /holds no results here/);
});

/** The recorded study cut into shards by target, as run side by side, each naming `results`. */
function shards(results: (string | undefined)[], dir: string): string[] {
  const record = studyRecord();
  const targets = record.settings.targets;
  const half = Math.ceil(targets.length / results.length);
  return results.map((r, i) => {
    const mine = targets.slice(i * half, (i + 1) * half);
    const shard: StudyRecordJson = { ...record, settings: { ...record.settings, targets: mine, results: r }, cells: record.cells.filter((c) => mine.includes(c.target)) };
    const file = join(dir, `shard-${i}.json`);
    writeFileSync(file, JSON.stringify(shard));
    return file;
  });
}

function merge(out: string, files: string[]) {
  const script = fileURLToPath(new URL('../../scripts/steering-study/merge.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--out', out, ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

test('merge.ts writes the merged record into the results folder all shards were run on', () => {
  const results = resultsFolderWithStudy(false);
  const work = tmp('lape-study-merge-');
  const out = join(work, 'merged.json');
  const r = merge(out, shards([results, results], work));
  const merged = readFileSync(out, 'utf8');
  assert.equal(readFileSync(resultsRecordPath(results), 'utf8'), merged);
  // The merge recomputes the verdict from the cells: the same as the one-process run's.
  assert.deepEqual(toSteeringStudyView(JSON.parse(merged)), toSteeringStudyView(studyRecord()));
  // The folder's report is rewritten to draw it, where the webview bundle is built.
  const report = join(results, 'report.html');
  if (existsSync(report)) {
    assert.match(r.stderr, /now draws the steering study/);
    assert.match(readFileSync(report, 'utf8'), /"steeringStudy":\{"identifier":\{"name":"franc"/);
  } else assert.match(r.stderr, /report\.html in .* not rewritten \(.*npm run build/);
});

test('merge.ts leaves the results folders alone when the shards name different ones', () => {
  const a = resultsFolderWithStudy(false);
  const b = resultsFolderWithStudy(false);
  const work = tmp('lape-study-merge-');
  const r = merge(join(work, 'merged.json'), shards([a, b], work));
  assert.ok(existsSync(join(work, 'merged.json')));
  assert.equal(existsSync(resultsRecordPath(a)) || existsSync(resultsRecordPath(b)), false);
  assert.match(r.stderr, /the merged record goes only to .*merged\.json: the shards name 2 results folders/);
});
