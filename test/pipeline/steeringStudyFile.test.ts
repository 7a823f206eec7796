// The steering study's record as the report reads it from a results folder: the projection is
// checked against the study's own Markdown table (written from the same cells by another code
// path), and a folder without a readable record still opens, with a warning and no study.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline } from '../../src/pipeline/index.ts';
import { readResults } from '../../src/pipeline/resultsFolder.ts';
import { readSteeringStudy, toSteeringStudyView, withSteeringStudy } from '../../src/pipeline/steeringStudyFile.ts';
import { STEERING_STUDY_FILE } from '../../src/protocol/steeringStudy.ts';
import { resultsFolderWithStudy, resultsOfStudyModel, STUDY_MD, studyRecord, studyView } from '../fixtures/steeringStudy.ts';

/** The rows of study/steering-study.md's table, by method: the cells between the pipes. */
function markdownRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(STUDY_MD, 'utf8').split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| method')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.set(cells[0], cells.slice(1));
  }
  return rows;
}

const collect = () => {
  const warnings: string[] = [];
  return { warnings, warn: (m: string) => warnings.push(m) };
};

test('the view of the recorded study holds the numbers of its Markdown table', () => {
  const view = studyView();
  const md = markdownRows();
  assert.deepEqual(view.targets, ['zh', 'fr', 'es', 'vi', 'id', 'ja']);
  assert.equal(view.methods.length, 14);
  assert.deepEqual([...md.keys()], view.methods.map((m) => m.name), 'the same methods in the same order');
  assert.deepEqual(view.methods[0], { name: 'unsteered', kind: 'unsteered' });
  view.methods.forEach((m, i) => {
    const row = md.get(m.name)!;
    assert.deepEqual(view.success[i].map((s) => String(Math.round(100 * s!))), row.slice(0, 6), `${m.name}: success per target`);
  });
  assert.equal(view.summaries.length, 13, 'every method but unsteered');
  for (const s of view.summaries) {
    const row = md.get(s.method)!;
    assert.equal(s.meanGain.toFixed(1), row[6], `${s.method}: mean gain`);
    assert.equal(String(s.targetsMeetingGain), row[7]);
    assert.match(row[8], new RegExp(`\\(×${s.worstFluencyRatio!.toFixed(2)}\\)$`), `${s.method}: worst fluency`);
    assert.match(row[9], new RegExp(`\\(×${s.worstInContextRatio!.toFixed(2)}\\)$`));
  }
  assert.equal(view.best, 'force (defaults)');
  assert.deepEqual(view.summaries.filter((s) => s.meetsAcceptance).map((s) => s.method), ['force (defaults)']);
  assert.ok(readFileSync(STUDY_MD, 'utf8').includes(view.verdict), 'the verdict is the table’s last line');
  assert.deepEqual(view.acceptance, { gainPoints: 40, targets: 4, fluencyFactor: 2 });
  assert.deepEqual(view.settings, { model: 'gemma-3-270m-q4_k_m.gguf', seed: 13, source: 'en', neutralPrompts: 5, mvicunaPrompts: 5, maxTokens: 24, build: 'cpu' });
  assert.deepEqual(view.identifier, { name: 'franc', version: '6.2.0', among: ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'] });
  assert.equal(view.complete, true);
  assert.equal(view.methodsDone, 14);
  assert.ok(JSON.stringify(view).length < JSON.stringify(studyRecord()).length / 4, 'the report carries the figures, not the examples and prompts');
});

test('a pair the study did not measure is null, and a partial run says so', () => {
  const record = studyRecord();
  record.cells = record.cells.filter((c) => !(c.method === 'scale ×2' && c.target === 'vi'));
  record.complete = false;
  const view = toSteeringStudyView(record);
  const i = view.methods.findIndex((m) => m.name === 'scale ×2');
  assert.equal(view.success[i][view.targets.indexOf('vi')], null);
  assert.equal(view.success[i][view.targets.indexOf('fr')], 0.2);
  assert.equal(view.complete, false);
});

test('a malformed record is refused with the field that is wrong', () => {
  const record = studyRecord();
  delete (record.summaries[2] as Partial<(typeof record.summaries)[number]>).meanGain;
  assert.throws(() => toSteeringStudyView(record), /summaries\[2\]\.meanGain is not a number/);
  assert.throws(() => toSteeringStudyView({ ...studyRecord(), settings: { ...studyRecord().settings, targets: 'zh' } }), /settings\.targets is not a list of strings/);
  assert.throws(() => toSteeringStudyView([]), /not a steering study record/);
  assert.throws(() => toSteeringStudyView({ ...studyRecord(), study: 'other' }), /not a steering study record/);
});

test('readSteeringStudy: absent is undefined without a word, present is the view', () => {
  const { warnings, warn } = collect();
  const without = resultsFolderWithStudy(false);
  assert.equal(readSteeringStudy(without, undefined, warn), undefined);
  const dir = resultsFolderWithStudy();
  assert.deepEqual(readSteeringStudy(dir, resultsOfStudyModel().summary.model, warn), studyView());
  assert.deepEqual(warnings, []);
});

test('readSteeringStudy: a file that is not JSON, or not a study, is a warning and no study', () => {
  const dir = resultsFolderWithStudy();
  const file = join(dir, STEERING_STUDY_FILE);
  const { warnings, warn } = collect();
  writeFileSync(file, '{"study": "steering", "seed": 13, ');
  assert.equal(readSteeringStudy(dir, undefined, warn), undefined);
  const record = studyRecord();
  record.methods = 'all of them' as unknown as typeof record.methods;
  writeFileSync(file, JSON.stringify(record));
  assert.equal(readSteeringStudy(dir, undefined, warn), undefined);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], new RegExp(`${STEERING_STUDY_FILE} cannot be read as a steering study \\(.*JSON`));
  assert.match(warnings[1], /methods is not a list\); the report leaves it out/);
  assert.ok(warnings.every((w) => w.includes(dir)));
});

test('readSteeringStudy: a study measured on another model is left out, with a warning', () => {
  const dir = resultsFolderWithStudy();
  const { warnings, warn } = collect();
  const model = resultsOfStudyModel().summary.model;
  assert.equal(readSteeringStudy(dir, { ...model, headerSha256: 'e'.repeat(64) }, warn), undefined);
  assert.match(warnings[0], /measured on another model than gemma-3-270m-q4_k_m\.gguf/);
  // A record from before the content hash existed is matched on the header hash alone.
  assert.notEqual(readSteeringStudy(dir, { ...model, contentSha256: 'c'.repeat(64) }, warn), undefined);
  const record = studyRecord();
  record.settings.modelContentSha256 = 'd'.repeat(64);
  writeFileSync(join(dir, STEERING_STUDY_FILE), JSON.stringify(record));
  assert.equal(readSteeringStudy(dir, { ...model, contentSha256: 'c'.repeat(64) }, warn), undefined);
  assert.equal(warnings.length, 2);
});

test('withSteeringStudy attaches the folder’s study, and drops one the folder no longer has', () => {
  const dir = resultsFolderWithStudy();
  const view = withSteeringStudy(dir, readResults(dir), () => assert.fail('no warning'));
  assert.deepEqual(view.steeringStudy, studyView());
  rmSync(join(dir, STEERING_STUDY_FILE));
  const again = withSteeringStudy(dir, view, () => assert.fail('no warning'));
  assert.equal('steeringStudy' in again, false);
  assert.deepEqual(again, readResults(dir));
});

test('the pipeline opens a results folder with its study (what the panel gets), and without one when malformed', async () => {
  const pipeline = createPipeline();
  const write = process.stderr.write;
  const notes: string[] = [];
  try {
    const dir = resultsFolderWithStudy();
    assert.deepEqual((await pipeline.openResults(dir)).steeringStudy, studyView());
    writeFileSync(join(dir, STEERING_STUDY_FILE), 'not json');
    process.stderr.write = ((chunk: string | Uint8Array) => { notes.push(String(chunk)); return true; }) as typeof process.stderr.write;
    const view = await pipeline.openResults(dir);
    process.stderr.write = write;
    assert.equal(view.steeringStudy, undefined);
    assert.deepEqual(view, readResults(dir), 'the results open as ever');
    assert.ok(notes.some((n) => n.startsWith('note: ') && n.includes(STEERING_STUDY_FILE)), notes.join(''));
  } finally {
    process.stderr.write = write;
    pipeline.dispose();
  }
});
