// What the steering study's charts draw, from the recorded study: each series is checked
// against the record's own cells and summaries, not against the view it was made from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatRatio, methodStatus, powerOfTwoTicks, studyMetaLine, studyVerdict, successMatrix, summaryTable, tradeoffPoints,
} from '../../webview/charts/steeringStudySeries.ts';
import { studyRecord, studyView } from '../fixtures/steeringStudy.ts';

describe('steering study series', () => {
  const record = studyRecord();
  const view = studyView();

  it('the success matrix is every (method, target) cell of the record, in percent', () => {
    const m = successMatrix(view);
    assert.deepEqual(m.methods, record.methods.map((x) => x.name));
    assert.deepEqual(m.targets, record.settings.targets);
    assert.equal(m.percent.length, 14);
    for (const cell of record.cells) {
      assert.equal(m.percent[m.methods.indexOf(cell.method)][m.targets.indexOf(cell.target)], 100 * cell.success, `${cell.method} → ${cell.target}`);
    }
    assert.equal(m.percent.flat().filter((v) => v !== null).length, record.cells.length, 'no cell left out, none made up');
    assert.deepEqual(m.percent[m.methods.indexOf('force (defaults)')], [40, 90, 70, 0, 50, 10]);
  });

  it('leaves out the targets the language filter hides, keeping the others’ values', () => {
    const m = successMatrix(view, new Set(['zh', 'vi', 'en']));
    assert.deepEqual(m.targets, ['fr', 'es', 'id', 'ja']);
    assert.deepEqual(m.percent[m.methods.indexOf('force (defaults)')], [90, 70, 50, 10]);
  });

  it('one scatter point per steering method: mean gain against worst fluency ratio', () => {
    const { points, offChart } = tradeoffPoints(view);
    assert.deepEqual(offChart, []);
    assert.deepEqual(points.map((p) => p.method), record.summaries.map((s) => s.method));
    for (const s of record.summaries) {
      const p = points.find((x) => x.method === s.method)!;
      assert.equal(p.x, s.worstFluencyRatio);
      assert.equal(p.y, s.meanGain);
    }
    assert.deepEqual(points.filter((p) => p.status === 'best').map((p) => p.method), [record.best!.method]);
    assert.equal(points.filter((p) => p.status === 'accepted').length, 0, 'force (defaults) is the only one that meets the bar, and it is the best');
    assert.ok(points.every((p) => p.status !== 'reference'), 'unsteered is the origin of the gains, not a point');
  });

  it('a method with no fluency ratio is named instead of drawn', () => {
    const v = studyView();
    v.summaries[1] = { ...v.summaries[1], worstFluencyRatio: null };
    const { points, offChart } = tradeoffPoints(v);
    assert.deepEqual(offChart, [v.summaries[1].method]);
    assert.equal(points.length, 12);
  });

  it('tells the best, an accepted, another and the reference apart', () => {
    const v = studyView();
    v.summaries = v.summaries.map((s) => (s.method === 'add α=2' ? { ...s, meetsAcceptance: true } : s));
    assert.deepEqual(['force (defaults)', 'add α=2', 'scale ×2', 'unsteered'].map((m) => methodStatus(v, m)), ['best', 'accepted', 'other', 'reference']);
    assert.equal(methodStatus({ ...v, best: null }, 'force (defaults)'), 'accepted');
  });

  it('the log axis spans powers of two around the points and the fluency limit', () => {
    assert.deepEqual(powerOfTwoTicks(tradeoffPoints(view).points.map((p) => p.x), 2), [0.5, 1, 2, 4, 8, 16]);
    assert.deepEqual(powerOfTwoTicks([1.2, 1.5], 2), [1, 2]);
    assert.deepEqual(powerOfTwoTicks([2], 2), [2, 4], 'never a single tick');
  });

  it('the summary table has the acceptance’s figures per method and marks the best', () => {
    const t = summaryTable(view);
    assert.equal(t.rowLabels.length, 13);
    const i = t.rowLabels.indexOf('force (defaults) (best)');
    assert.ok(i >= 0, t.rowLabels.join(', '));
    assert.deepEqual(t.cells[i], ['43.3', '4 of 6', '×1.87', '×3.14', 'yes']);
    assert.deepEqual(t.cells[t.rowLabels.indexOf('diffmean λ=0.5 blocks 9-17')], ['100.0', '6 of 6', '×15.83', '×45.53', 'no']);
    assert.equal(t.colLabels[1], 'targets ≥ 40 points');
    assert.equal(formatRatio(null), 'n/a');
  });

  it('says what was run and the verdict, partial when cut short', () => {
    assert.equal(
      studyMetaLine(view),
      'gemma-3-270m-q4_k_m.gguf · seed 13 · 10 prompts (5 neutral, 5 mvicuna questions in en) × 24 tokens, greedy · llama.cpp build: cpu · ' +
        'success: identified as the target by franc 6.2.0 among en, zh, fr, es, vi, id, ja',
    );
    assert.equal(studyVerdict(view), record.verdict);
    assert.match(studyVerdict({ ...view, complete: false, methodsDone: 5 }), /^Partial run: 5 of 14 methods measured\. Best method: force \(defaults\)/);
  });
});
