// The demo model's data: the bundled UDHR texts, split exactly as the pipeline splits them,
// so that the documents the pipeline holds out for perplexity are never trained on.
import { DEFAULT_EVAL_FRACTION, isEvalDocument, udhrDocuments } from '../../src/corpus/index.ts';

export interface LanguageText {
  lang: string;
  /** Documents on the pipeline's detection side: the only text the model is trained on. */
  train: string[];
  /** Documents the pipeline holds out (isEvalDocument with the default fraction). */
  heldOut: string[];
}

/** Reads each language's UDHR documents and splits them with the pipeline's rule. */
export async function readDemoCorpus(languages: readonly string[], signal?: AbortSignal): Promise<LanguageText[]> {
  const out: LanguageText[] = [];
  for (const lang of languages) {
    const text: LanguageText = { lang, train: [], heldOut: [] };
    let i = 0;
    for await (const doc of udhrDocuments(lang, { signal })) {
      (isEvalDocument(i++, DEFAULT_EVAL_FRACTION) ? text.heldOut : text.train).push(doc);
    }
    out.push(text);
  }
  return out;
}

/** buildSequences appends this to each document; training text gets the same separator. */
export const DOC_SEPARATOR = '\n';

export function withSeparator(doc: string): string {
  return doc.endsWith(DOC_SEPARATOR) ? doc : doc + DOC_SEPARATOR;
}
