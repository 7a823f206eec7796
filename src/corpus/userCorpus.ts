import { createReadStream, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { CorpusError } from './errors.ts';
import { PAPER_LANGUAGES, findLanguage, resolveLanguage, suggestLanguages, type Language } from './languages.ts';
import { DEFAULT_MAX_DOC_CHARS, ParagraphSplitter } from './textChunks.ts';
import { JsonlLines } from './JsonlLines.ts';

export type CorpusFileFormat = 'txt' | 'jsonl';

/** One language's corpus file, checked to exist when it was found. */
export interface CorpusFile {
  language: Language;
  /** Absolute path. */
  path: string;
  format: CorpusFileFormat;
  size: number;
  mtimeMs: number;
}

export interface FindCorpusOptions {
  /** Base for relative paths; the process's working directory by default. */
  cwd?: string;
}

export interface ReadCorpusOptions {
  signal?: AbortSignal;
  /** Documents longer than this are cut into pieces (UTF-16 units). */
  maxDocChars?: number;
  /** Called after each chunk read from disk, for progress and for tests that check early stops. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** The longest jsonl line accepted, in bytes; MAX_JSONL_LINE_BYTES by default. */
  maxLineBytes?: number;
}

function formatOf(path: string): CorpusFileFormat {
  return extname(path).toLowerCase() === '.jsonl' ? 'jsonl' : 'txt';
}

async function statFile(path: string, language: string): Promise<Stats> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CorpusError('missing-file', `Corpus file for '${language}' not found: ${path}. Check the path, or leave this language out.`, { language, path });
  }
  if (!info.isFile()) {
    throw new CorpusError('not-a-file', `Corpus for '${language}' must be a .txt or .jsonl file, but ${path} is a folder. Give a file, or use the folder option for a folder of <lang>.txt files.`, { language, path });
  }
  return info;
}

function checkDuplicates(files: readonly CorpusFile[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    const previous = seen.get(file.language.code);
    if (previous !== undefined) {
      throw new CorpusError('duplicate-language', `Two corpus files for '${file.language.code}' (${file.language.name}): ${previous} and ${file.path}. Keep one of them.`, { language: file.language.code, path: file.path });
    }
    seen.set(file.language.code, file.path);
  }
}

/**
 * The corpus files of a folder: one `<lang>.txt` or `<lang>.jsonl` per language, where lang
 * is any code resolveLanguage accepts. Other extensions and hidden files are ignored.
 * Ordered as the paper's languages first (en zh fr es vi id ja), then by code.
 */
export async function scanCorpusFolder(folder: string, options: FindCorpusOptions = {}): Promise<CorpusFile[]> {
  const dir = resolve(options.cwd ?? process.cwd(), folder);
  let names: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) {
      throw new CorpusError('not-a-folder', `${dir} is a file, not a folder. Give a folder holding one <lang>.txt or <lang>.jsonl per language, or pass the file as lang=path.`, { path: dir });
    }
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CorpusError('missing-folder', `Corpus folder not found: ${dir}. Check the path.`, { path: dir });
  }
  const files: CorpusFile[] = [];
  for (const name of names.sort()) {
    const ext = extname(name).toLowerCase();
    if (name.startsWith('.') || (ext !== '.txt' && ext !== '.jsonl')) continue;
    const code = name.slice(0, -ext.length);
    const path = join(dir, name);
    const language = findLanguage(code);
    if (!language) {
      const suggestions = suggestLanguages(code);
      const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(', ')}?` : '';
      throw new CorpusError('unknown-language', `Corpus file ${path}: '${code}' is not a known language code.${hint} Name each file <lang>.txt or <lang>.jsonl with a code such as en, zh or fra, or move other files out of the folder.`, { language: code, path, suggestions });
    }
    const info = await statFile(path, language.code);
    files.push({ language, path, format: formatOf(name), size: info.size, mtimeMs: info.mtimeMs });
  }
  if (files.length === 0) {
    throw new CorpusError('no-corpus-files', `Corpus folder ${dir} has no <lang>.txt or <lang>.jsonl files (for example en.txt, zh.jsonl).`, { path: dir });
  }
  checkDuplicates(files);
  const rank = (l: Language): number => {
    const i = PAPER_LANGUAGES.indexOf(l.code);
    return i < 0 ? PAPER_LANGUAGES.length : i;
  };
  return files.sort((a, b) => rank(a.language) - rank(b.language) || (a.language.code < b.language.code ? -1 : 1));
}

/** Corpus files from `lang=path` pairs, in the order given. A .jsonl extension means jsonl, anything else plain text. */
export async function parseCorpusPairs(pairs: readonly string[], options: FindCorpusOptions = {}): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const code = pair.slice(0, Math.max(eq, 0)).trim();
    const given = pair.slice(eq + 1).trim();
    if (eq < 0 || code === '' || given === '') {
      throw new CorpusError('bad-pair', `'${pair}' is not a lang=path pair. Write it as, for example, en=corpus/en.txt.`);
    }
    const language = resolveLanguage(code);
    const path = resolve(options.cwd ?? process.cwd(), given);
    const info = await statFile(path, language.code);
    files.push({ language, path, format: formatOf(path), size: info.size, mtimeMs: info.mtimeMs });
  }
  checkDuplicates(files);
  return files;
}

/**
 * Streams a corpus file as documents: for .txt, paragraphs separated by blank lines; for
 * .jsonl, the `text` field of each line. Long documents come in pieces of at most
 * maxDocChars. Only one chunk and one unfinished document are held in memory, and stopping
 * the iteration closes the file, so a huge file costs only what is read of it.
 */
export async function* readCorpusFile(file: CorpusFile | string, options: ReadCorpusOptions = {}): AsyncGenerator<string> {
  const path = typeof file === 'string' ? resolve(file) : file.path;
  const format = typeof file === 'string' ? formatOf(file) : file.format;
  const language = typeof file === 'string' ? '?' : file.language.code;
  const maxChars = options.maxDocChars ?? DEFAULT_MAX_DOC_CHARS;
  const { size } = await statFile(path, language);
  options.signal?.throwIfAborted();
  const stream = createReadStream(path, { highWaterMark: 1 << 16, signal: options.signal });
  const lines = format === 'jsonl' ? new JsonlLines(path, maxChars, options.maxLineBytes) : undefined;
  const paragraphs = lines ? undefined : new ParagraphSplitter(maxChars);
  const decoder = new TextDecoder('utf-8');
  let bytesRead = 0;
  let documents = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    options.onProgress?.(bytesRead, size);
    for (const doc of lines ? lines.push(chunk) : paragraphs!.push(decoder.decode(chunk, { stream: true }))) {
      documents++;
      yield doc;
    }
  }
  for (const doc of lines ? lines.end() : [...paragraphs!.push(decoder.decode()), ...paragraphs!.end()]) {
    documents++;
    yield doc;
  }
  if (documents === 0) {
    const what = format === 'jsonl' ? 'no line with a non-empty "text" field' : 'no text';
    throw new CorpusError('empty-file', `Corpus file ${path} has ${what}. Fill it, or leave language '${language}' out.`, { language, path });
  }
}
