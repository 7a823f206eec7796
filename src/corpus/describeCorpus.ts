import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { DEFAULT_EVAL_FRACTION, SPLIT_RULE, type SplitOptions } from './buildSequences.ts';
import type { CorpusSpec } from './corpusSpec.ts';

/** Which corpus a result came from, for stats files and caches. */
export interface CorpusIdentity {
  /** Stable, human-readable: the same corpus and split give the same key on every run. */
  key: string;
  /** First 16 hex digits of the key's sha256. */
  hash: string;
  /** Short label for people: "en: UDHR eng, zh: zh.jsonl (12.3 MB)". */
  label: string;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * The identity of a corpus and, when given, of the split that turns it into sequences.
 * Files are identified by absolute path, size and modification time rather than a content
 * hash, which would mean reading a file that may be many gigabytes; buildSequences' textHash
 * identifies the text actually used. The tokenizer is not part of it: record the model too.
 */
export function describeCorpus(spec: CorpusSpec, split?: SplitOptions): CorpusIdentity {
  const parts = ['lape-corpus/1'];
  if (split) {
    const fraction = split.evalFraction ?? DEFAULT_EVAL_FRACTION;
    parts.push(`split=${SPLIT_RULE} seqLen=${split.seqLen} detect=${split.detectBudget} eval=${split.evalBudget} evalFraction=${fraction}`);
  }
  const labels: string[] = [];
  for (const { language, source } of spec.entries) {
    if (source.kind === 'handbook') {
      // The version, not the cache path: the same book is the same corpus on every machine.
      parts.push(`${language.code}=debian-handbook:${source.locale}@${source.version}`);
      labels.push(`${language.code}: Debian handbook ${source.locale}`);
    } else if (source.kind === 'udhr') {
      parts.push(`${language.code}=udhr:${source.udhr}@${source.version}`);
      labels.push(`${language.code}: UDHR ${source.udhr}`);
    } else {
      parts.push(`${language.code}=${source.format}:${JSON.stringify(source.path)} size=${source.size} mtime=${Math.round(source.mtimeMs)}`);
      labels.push(`${language.code}: ${basename(source.path)} (${size(source.size)})`);
    }
  }
  const key = parts.join('\n');
  return { key, hash: createHash('sha256').update(key).digest('hex').slice(0, 16), label: labels.join(', ') };
}
