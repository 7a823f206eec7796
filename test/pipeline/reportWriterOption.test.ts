import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline } from '../../src/pipeline/index.ts';
import { RESULT_FILES } from '../../src/pipeline/resultsFolder.ts';
import type { ResultsView } from '../../src/protocol/results.ts';
import { writeStatsFile } from '../../src/lape/formats/statsFile.ts';
import { randomStats } from '../lape/lapeTestSupport.ts';
import { toSteeringStudyView } from '../../src/pipeline/steeringStudyFile.ts';
import { STEERING_STUDY_FILE } from '../../src/protocol/steeringStudy.ts';
import { studyRecord } from '../fixtures/steeringStudy.ts';

// A results folder that `reidentify` can work on without a model: the committed fixture's
// summary.json (model, corpus, tokens) and statistics for its seven languages.
function resultsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lape-report-option-'));
  copyFileSync(new URL('../fixtures/results/summary.json', import.meta.url), join(dir, RESULT_FILES.summary));
  const summary = JSON.parse(readFileSync(join(dir, RESULT_FILES.summary), 'utf8'));
  const stats = randomStats({ nLayer: 3, nFf: 64, langs: summary.languages, seed: 7 });
  writeStatsFile(join(dir, RESULT_FILES.stats), {
    meta: { model: { fileName: 'fixture.gguf', sizeBytes: 1, headerSha256: 'ab'.repeat(32) }, corpus: { name: 'udhr', sha256: 'cd'.repeat(32) }, tokenBudget: 1000, sequenceLength: 64, shards: 1 },
    stats,
  });
  return dir;
}

test('the report writer is an option of createPipeline: each pipeline uses its own, and one without writes none', async () => {
  const dir = resultsFolder();
  const calls: { dir: string; view: ResultsView }[] = [];
  const withWriter = createPipeline({ writeReport: async (outDir, view) => { calls.push({ dir: outDir, view }); } });
  const without = createPipeline();
  try {
    const view = await withWriter.reidentify(dir, { topRate: 0.05 });
    assert.equal(calls.length, 1);
    assert.equal(calls[0].dir, dir);
    assert.equal(calls[0].view, view, 'the writer gets the view that reidentify returns');
    assert.equal(view.summary.params.topRate, 0.05);

    // A module-global writer would be shared: the second pipeline must not call the first's.
    await without.reidentify(dir, { topRate: 0.02 });
    assert.equal(calls.length, 1);
    assert.equal(existsSync(join(dir, 'report.html')), false);
  } finally {
    withWriter.dispose();
    without.dispose();
  }
});

test('a report writer that throws costs a note, not the results', async () => {
  const dir = resultsFolder();
  const pipeline = createPipeline({ writeReport: async () => { throw new Error('webview bundle not built'); } });
  const notes: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { notes.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    const view = await pipeline.reidentify(dir, { topRate: 0.05 });
    assert.equal(view.summary.params.topRate, 0.05);
    assert.equal(JSON.parse(readFileSync(join(dir, RESULT_FILES.summary), 'utf8')).params.topRate, 0.05, 'summary.json was rewritten');
  } finally {
    process.stderr.write = write;
    pipeline.dispose();
  }
  assert.ok(notes.some((n) => n.includes('no report.html written') && n.includes(dir) && n.includes('webview bundle not built')), notes.join(''));
});

test('the report writer gets the steering study recorded in the folder, and reidentify returns it too', async () => {
  const dir = resultsFolder();
  const record = studyRecord();
  record.settings.modelHeaderSha256 = JSON.parse(readFileSync(join(dir, RESULT_FILES.summary), 'utf8')).model.headerSha256;
  writeFileSync(join(dir, STEERING_STUDY_FILE), JSON.stringify(record));
  const calls: ResultsView[] = [];
  const pipeline = createPipeline({ writeReport: async (_dir, view) => { calls.push(view); } });
  try {
    const view = await pipeline.reidentify(dir, { topRate: 0.05 });
    assert.equal(calls[0], view);
    assert.deepEqual(view.steeringStudy, toSteeringStudyView(record));
    assert.equal('steeringStudy' in JSON.parse(readFileSync(join(dir, RESULT_FILES.summary), 'utf8')), false, 'summary.json stays as it was');
  } finally {
    pipeline.dispose();
  }
});
