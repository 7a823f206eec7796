/** Documents longer than this many UTF-16 units are cut into pieces. */
export const DEFAULT_MAX_DOC_CHARS = 8192;

// Prefer to cut after a line break, then after a sentence end, then after a space; never
// in the first half of the window, so pieces stay near the cap. CJK text has no spaces,
// hence the ideographic full stops.
const CUT_CLASSES: readonly RegExp[] = [/\n/, /[.!?\u3002\uff01\uff1f\u0964]/, /\s/];

function cutPoint(text: string, start: number, max: number): number {
  const end = start + max;
  const floor = start + Math.floor(max / 2);
  for (const cls of CUT_CLASSES) {
    for (let i = end - 1; i >= floor; i--) if (cls.test(text[i])) return i + 1;
  }
  // A hard cut must not split a surrogate pair.
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/** Normalises line ends and trims; '' means "no document". */
export function cleanDocument(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

/** Cuts a document into pieces of at most maxChars, at natural boundaries where possible. */
export function* splitLongDocument(text: string, maxChars: number = DEFAULT_MAX_DOC_CHARS): Generator<string> {
  let pos = 0;
  while (text.length - pos > maxChars) {
    const cut = cutPoint(text, pos, maxChars);
    const piece = text.slice(pos, cut).trim();
    if (piece !== '') yield piece;
    pos = cut;
  }
  const rest = text.slice(pos).trim();
  if (rest !== '') yield rest;
}

/**
 * Splits streamed text into paragraphs (separated by blank lines) without holding more than
 * one unfinished paragraph: a paragraph that grows past maxChars is emitted in pieces.
 */
export class ParagraphSplitter {
  private pending = '';
  private readonly boundary = /\n[ \t\r\f\v]*\n/g;

  constructor(private readonly maxChars: number = DEFAULT_MAX_DOC_CHARS) {}

  /** Feeds decoded text; returns the documents completed by it. */
  push(text: string): string[] {
    this.pending += text;
    const out: string[] = [];
    let pos = 0;
    for (;;) {
      this.boundary.lastIndex = pos;
      const match = this.boundary.exec(this.pending);
      if (match) {
        this.emit(this.pending.slice(pos, match.index), out);
        pos = match.index + match[0].length;
        continue;
      }
      if (this.pending.length - pos <= this.maxChars) break;
      const cut = cutPoint(this.pending, pos, this.maxChars);
      this.emit(this.pending.slice(pos, cut), out);
      pos = cut;
    }
    this.pending = this.pending.slice(pos);
    return out;
  }

  /** Returns what is left once the input has ended. */
  end(): string[] {
    const out: string[] = [];
    this.emit(this.pending, out);
    this.pending = '';
    return out;
  }

  private emit(text: string, out: string[]): void {
    const doc = cleanDocument(text);
    if (doc !== '') out.push(...splitLongDocument(doc, this.maxChars));
  }
}
