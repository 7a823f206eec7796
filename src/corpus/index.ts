// The public surface of src/corpus, for the engine, the analysis process and the CLI.
export { CorpusError, isCorpusError, type CorpusErrorCode, type CorpusErrorDetails } from './errors.ts';
export { PAPER_LANGUAGES, findLanguage, listLanguages, resolveLanguage, suggestLanguages, type Language } from './languages.ts';
export { htmlToText, decodeEntities } from './htmlToText.ts';
export { readUdhrText, udhrDeclarationDir, udhrDocuments, udhrPackageVersion, type UdhrDirOptions, type UdhrOptions } from './udhrCorpus.ts';
export { parseCorpusPairs, readCorpusFile, scanCorpusFolder, type CorpusFile, type CorpusFileFormat, type FindCorpusOptions, type ReadCorpusOptions } from './userCorpus.ts';
export { createCorpusSpec, openCorpus, type CorpusEntry, type CorpusSource, type CorpusSpec, type CorpusSpecOptions, type OpenCorpusOptions } from './corpusSpec.ts';
export { describeCorpus, type CorpusIdentity } from './describeCorpus.ts';
export { checkCorpora, type CheckCorporaOptions } from './checkCorpusLanguage.ts';
export {
  DEFAULT_EVAL_FRACTION, SPLIT_RULE, buildSequences, isEvalDocument, type BuildSequencesOptions, type Sequences, type SplitOptions,
} from './buildSequences.ts';
export { DEFAULT_MAX_DOC_CHARS } from './textChunks.ts';
export { dominantLanguage, identifyLanguage, languageShares, type IdentifyOptions } from './identifyLanguage.ts';
export { HANDBOOK_HTML_DIR, HANDBOOK_LOCALES, handbookDocuments, handbookLocale, handbookParagraphs } from './handbookCorpus.ts';
