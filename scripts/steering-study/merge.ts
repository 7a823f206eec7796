/**
 * Joins shards of one steering study (the same settings, disjoint --targets), run side by side
 * where cores or a GPU allow, into one record:
 *
 *   node --import tsx scripts/steering-study/merge.ts --out study/steering-study.json A.json B.json ...
 *
 * Refuses shards whose settings differ in anything but their targets. When every shard was run
 * on the same results folder (settings.results) and it is on this machine, the merged JSON
 * also goes to `<results>/steering-study.json` and that folder's report.html is rewritten to
 * draw it; shards run on different folders write only --out.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { studyReport, type StudyRecord } from './report.ts';
import { refreshReport, sharedResultsDir, writeStudyRecord } from './writeRecord.ts';

const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
if (!values.out || positionals.length < 2) {
  process.stderr.write('usage: merge.ts --out FILE SHARD.json SHARD.json ...\n');
  process.exit(2);
}
const shards = positionals.map((f) => ({ file: f, r: JSON.parse(readFileSync(f, 'utf8')) as StudyRecord }));
const sameness = (r: StudyRecord) => JSON.stringify({ ...r.settings, targets: null, results: null, build: null, seed: r.seed, methods: r.methods.map((m) => m.name) });
const first = shards[0];
for (const s of shards.slice(1)) {
  if (sameness(s.r) !== sameness(first.r)) throw new Error(`${s.file} was run with other settings than ${first.file}; only --targets may differ between shards.`);
}
const among = first.r.identifier.among;
const targets = among.filter((l) => shards.some((s) => s.r.settings.targets.includes(l)));
const seen = new Set<string>();
for (const s of shards) for (const t of s.r.settings.targets) {
  if (seen.has(t)) throw new Error(`Target ${t} is in more than one shard (${s.file}).`);
  seen.add(t);
}
const examples: StudyRecord['examples'] = {};
for (const s of shards) for (const [m, byTarget] of Object.entries(s.r.examples)) Object.assign((examples[m] ??= {}), byTarget);
const merged: StudyRecord = {
  ...first.r,
  settings: { ...first.r.settings, targets, shards: shards.length },
  cells: shards.flatMap((s) => s.r.cells),
  examples,
  complete: shards.every((s) => s.r.complete),
  seconds: Math.max(...shards.map((s) => s.r.seconds)),
};
const { json, md } = studyReport(merged);
const results = sharedResultsDir(shards.map((s) => s.r.settings.results));
writeStudyRecord(values.out, json, md, 'dir' in results ? results.dir : undefined);
process.stdout.write(md);
if ('dir' in results) await refreshReport(results.dir);
else process.stderr.write(`note: the merged record goes only to ${values.out}: ${results.why}.\n`);
