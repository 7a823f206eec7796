import { open } from 'node:fs/promises';
import { CorpusError } from './errors.ts';
import { identifyLanguage } from './identifyLanguage.ts';
import { findLanguage } from './languages.ts';
import { openCorpus, type CorpusEntry } from './corpusSpec.ts';

/** Bytes read from the start of a corpus file to tell text from binary. */
export const BINARY_SAMPLE_BYTES = 64 * 1024;
// Real text has no NUL bytes; a few stray invalid bytes (a damaged character) are tolerated.
const MAX_INVALID_SHARE = 0.01;
/** The sample of documents whose language is checked: this many pieces of this many characters. */
const PIECES = 8;
const PIECE_CHARS = 1000;

/** Invalid UTF-8 bytes in `b`, not counting a sequence cut off by the end of the sample. */
export function invalidUtf8Bytes(b: Uint8Array): number {
  let bad = 0;
  for (let i = 0; i < b.length;) {
    const x = b[i];
    const n = x < 0x80 ? 0 : x >= 0xc2 && x < 0xe0 ? 1 : x >= 0xe0 && x < 0xf0 ? 2 : x >= 0xf0 && x < 0xf5 ? 3 : -1;
    if (n < 0) {
      bad++;
      i++;
      continue;
    }
    let ok = true;
    for (let k = 1; k <= n && i + k < b.length; k++) if ((b[i + k] & 0xc0) !== 0x80) ok = false;
    if (!ok) {
      bad++;
      i++;
    } else if (i + n >= b.length) {
      break; // a valid start of a character cut by the sample's end
    } else {
      i += n + 1;
    }
  }
  return bad;
}

/**
 * Refuses a corpus file that is not UTF-8 text (an image, a zip, a UTF-16 file), judging by its
 * first 64 KiB: any NUL byte, or more than 1% of bytes that are not valid UTF-8.
 */
export async function checkCorpusIsText(path: string, language: string): Promise<void> {
  const fh = await open(path, 'r');
  let sample: Uint8Array;
  try {
    const buf = Buffer.alloc(BINARY_SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    sample = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const nul = sample.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);
  const invalid = invalidUtf8Bytes(sample);
  if (nul > 0 || invalid > MAX_INVALID_SHARE * sample.length) {
    const what = nul > 0 ? `${nul} NUL bytes` : `${invalid} bytes that are not UTF-8`;
    throw new CorpusError('not-text', `Corpus file ${path} for '${language}' is not UTF-8 text: its first ${sample.length} bytes hold ${what}. Give a plain-text (.txt) or .jsonl file saved as UTF-8.`, { language, path });
  }
}

/**
 * Reads the first documents of a corpus and identifies their language with the project's one
 * identifier, piece by piece. Returns a warning when most identified pieces are in another
 * language than the declared one (French text under en=), otherwise undefined: too little
 * text to tell is not a warning. Languages are compared by ISO 639-3 code, so zh-Hant text
 * identified as Mandarin agrees.
 */
export async function checkCorpusLanguage(entry: CorpusEntry, signal?: AbortSignal): Promise<string | undefined> {
  const pieces: string[] = [];
  let pending = '';
  for await (const doc of openCorpus(entry, { signal })) {
    pending += `${doc}\n`;
    while (pending.length >= PIECE_CHARS && pieces.length < PIECES) {
      pieces.push(pending.slice(0, PIECE_CHARS));
      pending = pending.slice(PIECE_CHARS);
    }
    if (pieces.length >= PIECES) break;
  }
  if (pieces.length < PIECES && pending.trim() !== '') pieces.push(pending);
  const votes = new Map<string, number>();
  for (const piece of pieces) {
    const found = identifyLanguage(piece);
    const iso = found === undefined ? undefined : findLanguage(found)?.iso6393 ?? found;
    if (iso !== undefined) votes.set(iso, (votes.get(iso) ?? 0) + 1);
  }
  const identified = [...votes.values()].reduce((a, b) => a + b, 0);
  const agree = votes.get(entry.language.iso6393) ?? 0;
  if (identified === 0 || agree * 2 > identified) return undefined;
  const [top, count] = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
  const name = findLanguage(top)?.name ?? top;
  const where = entry.source.kind === 'file' ? entry.source.path : entry.source.kind === 'udhr' ? `the UDHR text ${entry.source.udhr}` : `the Debian handbook ${entry.source.locale}`;
  return `The corpus for '${entry.language.code}' (${entry.language.name}), ${where}, reads as ${name} (${top}) in ${count} of ${identified} samples, and as ${entry.language.name} in ${agree}. Check that it is the right file for this language.`;
}

export interface CheckCorporaOptions {
  signal?: AbortSignal;
  /** Receives each warning (a corpus that reads as another language), with its language code. */
  onWarning?: (message: string, language: string) => void;
}

/**
 * Checks the user's corpus files of a run before any model time is spent on them: binary
 * files are refused, and files whose text is in another language than declared are warned
 * about. The bundled UDHR texts are known to be right and are not checked.
 */
export async function checkCorpora(entries: readonly CorpusEntry[], options: CheckCorporaOptions = {}): Promise<void> {
  for (const entry of entries) {
    if (entry.source.kind !== 'file') continue;
    await checkCorpusIsText(entry.source.path, entry.language.code);
    const warning = await checkCorpusLanguage(entry, options.signal);
    if (warning) options.onWarning?.(warning, entry.language.code);
  }
}
