/**
 * Where the study's record goes: the --out file and its Markdown table, and a copy of the
 * JSON in the results folder it was measured on, which that folder's report.html draws.
 * Shared by run.ts and merge.ts.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RESULT_FILES, readResults } from '../../src/pipeline/resultsFolder.ts';
import { withSteeringStudy } from '../../src/pipeline/steeringStudyFile.ts';
import { STEERING_STUDY_FILE } from '../../src/protocol/steeringStudy.ts';
import { writeReport } from '../../src/report/writeReport.ts';

/** The results folder's copy of the record; the folder must hold results (summary.json). */
export function resultsRecordPath(resultsDir: string): string {
  return join(resultsDir, STEERING_STUDY_FILE);
}

/**
 * Writes `out` (the JSON record), the Markdown beside it (.md) and, when `resultsDir` is
 * given, the same JSON as `<resultsDir>/steering-study.json` (through a temporary file, so
 * the report never reads half a record).
 */
export function writeStudyRecord(out: string, json: object, md: string, resultsDir?: string): void {
  const text = JSON.stringify(json, null, 1) + '\n';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  writeFileSync(out.replace(/\.json$/, '') + '.md', md);
  if (resultsDir === undefined) return;
  const copy = resultsRecordPath(resultsDir);
  if (resolve(copy) === resolve(out)) return;
  const tmp = `${copy}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, copy);
}

/**
 * The results folder the shards of one study were all run on, or why there is none: shards
 * run on different folders (or machines) have no one folder to write into.
 */
export function sharedResultsDir(results: readonly unknown[]): { dir: string } | { why: string } {
  const dirs = [...new Set(results)];
  if (dirs.length !== 1 || typeof dirs[0] !== 'string') return { why: `the shards name ${dirs.length} results folders (settings.results)` };
  if (!existsSync(join(dirs[0], RESULT_FILES.summary))) return { why: `${dirs[0]} holds no results here` };
  return { dir: dirs[0] };
}

/** Rewrites `<resultsDir>/report.html` so it draws the study; a report that cannot be built is a note, not a failure. */
export async function refreshReport(resultsDir: string): Promise<void> {
  try {
    const file = await writeReport(resultsDir, withSteeringStudy(resultsDir, readResults(resultsDir)));
    process.stderr.write(`${file} now draws the steering study.\n`);
  } catch (error) {
    process.stderr.write(`note: report.html in ${resultsDir} not rewritten (${(error as Error).message})\n`);
  }
}
