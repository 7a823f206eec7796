import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelIdentity, ResultsView } from '../protocol/results.ts';
import { STEERING_STUDY_FILE, type SteeringStudyMethodSummary, type SteeringStudyView } from '../protocol/steeringStudy.ts';

/** Where a warning about an unreadable record goes; the default writes a note on stderr. */
export type StudyWarning = (message: string) => void;

const noteOnStderr: StudyWarning = (message) => process.stderr.write(`note: ${message}\n`);

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A field of the record, checked; the message names the field, so a hand-edited file is easy to mend. */
function field<T>(obj: Json, key: string, where: string, ok: (v: unknown) => v is T, what: string): T {
  const v = obj[key];
  if (!ok(v)) throw new Error(`${where}${key} is not ${what}`);
  return v;
}

const recordOf = (obj: Json, key: string, where = ''): Json => field(obj, key, where, isRecord, 'an object');
const stringOf = (obj: Json, key: string, where = ''): string => field(obj, key, where, (v): v is string => typeof v === 'string', 'a string');
const numberOf = (obj: Json, key: string, where = ''): number => field(obj, key, where, isNumber, 'a number');
const listOf = (obj: Json, key: string, where = ''): unknown[] => field(obj, key, where, Array.isArray, 'a list');
const stringsOf = (obj: Json, key: string, where = ''): string[] =>
  field(obj, key, where, (v): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'a list of strings');
const ratioOf = (obj: Json, key: string, where: string): number | null =>
  field(obj, key, where, (v): v is number | null => v === null || isNumber(v), 'a number or null');

function recordsOf(obj: Json, key: string): Json[] {
  return listOf(obj, key).map((v, i) => {
    if (!isRecord(v)) throw new Error(`${key}[${i}] is not an object`);
    return v;
  });
}

/**
 * The part of a steering study's record (scripts/steering-study/report.ts writes it) that the
 * report draws. Throws an Error naming the first field that is missing or of the wrong kind.
 */
export function toSteeringStudyView(record: unknown): SteeringStudyView {
  if (!isRecord(record) || record.study !== 'steering') throw new Error('it is not a steering study record (no "study": "steering")');
  const identifier = recordOf(record, 'identifier');
  const settings = recordOf(record, 'settings');
  const prompts = recordOf(settings, 'prompts', 'settings.');
  const acceptance = recordOf(record, 'acceptance');
  const targets = stringsOf(settings, 'targets', 'settings.');
  const methods = recordsOf(record, 'methods').map((m, i) => ({ name: stringOf(m, 'name', `methods[${i}].`), kind: stringOf(m, 'kind', `methods[${i}].`) }));
  const cells = recordsOf(record, 'cells').map((c, i) => ({
    method: stringOf(c, 'method', `cells[${i}].`),
    target: stringOf(c, 'target', `cells[${i}].`),
    success: numberOf(c, 'success', `cells[${i}].`),
  }));
  const summaries: SteeringStudyMethodSummary[] = recordsOf(record, 'summaries').map((s, i) => {
    const at = `summaries[${i}].`;
    return {
      method: stringOf(s, 'method', at),
      meanGain: numberOf(s, 'meanGain', at),
      targetsMeetingGain: numberOf(s, 'targetsMeetingGain', at),
      worstFluencyRatio: ratioOf(s, 'worstFluencyRatio', at),
      worstInContextRatio: ratioOf(s, 'worstInContextRatio', at),
      meetsAcceptance: field(s, 'meetsAcceptance', at, (v): v is boolean => typeof v === 'boolean', 'true or false'),
    };
  });
  const best = record.best;
  if (best !== null && !(isRecord(best) && typeof best.method === 'string')) throw new Error('best is neither null nor a method summary');
  const success = methods.map((m) => targets.map((t) => cells.find((c) => c.method === m.name && c.target === t)?.success ?? null));
  return {
    identifier: { name: stringOf(identifier, 'name', 'identifier.'), version: stringOf(identifier, 'version', 'identifier.'), among: stringsOf(identifier, 'among', 'identifier.') },
    settings: {
      model: stringOf(settings, 'model', 'settings.'),
      seed: numberOf(record, 'seed'),
      source: stringOf(settings, 'source', 'settings.'),
      neutralPrompts: listOf(prompts, 'neutral', 'settings.prompts.').length,
      mvicunaPrompts: listOf(prompts, 'mvicuna', 'settings.prompts.').length,
      maxTokens: numberOf(settings, 'maxTokens', 'settings.'),
      ...(typeof settings.build === 'string' ? { build: settings.build } : {}),
    },
    targets,
    methods,
    success,
    summaries,
    acceptance: { gainPoints: numberOf(acceptance, 'gainPoints', 'acceptance.'), targets: numberOf(acceptance, 'targets', 'acceptance.'), fluencyFactor: numberOf(acceptance, 'fluencyFactor', 'acceptance.') },
    verdict: stringOf(record, 'verdict'),
    best: best === null ? null : (best as { method: string }).method,
    complete: record.complete === true,
    methodsDone: isNumber(record.methodsDone) ? record.methodsDone : new Set(cells.map((c) => c.method)).size,
  };
}

/**
 * `<dir>/steering-study.json`, read for the report; undefined when the folder has none. A file
 * that cannot be read, or that was measured on another model than `model`, costs a warning and
 * is left out: the report still renders, without the study.
 */
export function readSteeringStudy(dir: string, model?: ModelIdentity, onWarning: StudyWarning = noteOnStderr): SteeringStudyView | undefined {
  const file = join(dir, STEERING_STUDY_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const record: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const recorded = isRecord(record) && isRecord(record.settings) ? record.settings : {};
    if (model !== undefined) {
      const differs = (key: string, mine: string | undefined) => typeof recorded[key] === 'string' && mine !== undefined && recorded[key] !== mine;
      if (differs('modelHeaderSha256', model.headerSha256) || differs('modelContentSha256', model.contentSha256)) {
        onWarning(`${file} was measured on another model than ${model.fileName}, the one these results are of; the report leaves the steering study out. Run the study again on this folder.`);
        return undefined;
      }
    }
    return toSteeringStudyView(record);
  } catch (error) {
    onWarning(`${file} cannot be read as a steering study (${(error as Error).message}); the report leaves it out.`);
    return undefined;
  }
}

/** `view` with the folder's steering study attached (or with none, when the folder has none that reads). */
export function withSteeringStudy(dir: string, view: ResultsView, onWarning: StudyWarning = noteOnStderr): ResultsView {
  const { steeringStudy: _old, ...rest } = view;
  const study = readSteeringStudy(dir, view.summary.model, onWarning);
  return study === undefined ? rest : { ...rest, steeringStudy: study };
}
