import { CorpusError } from './errors.ts';
import { cleanDocument, splitLongDocument } from './textChunks.ts';

/**
 * The longest jsonl line read, in bytes. A line is held whole while it is parsed (a JSON
 * string cannot be cut safely), so this bounds the memory one line can take: about three
 * times its size, as bytes, string and parsed text. Documents are cut into pieces of a few
 * thousand characters anyway; a longer "document" is a file that should have been split.
 */
export const MAX_JSONL_LINE_BYTES = 32 * 1024 * 1024;

/**
 * Splits a jsonl file, fed as raw chunks, into lines and yields the documents of their `text`
 * fields. Lines are found in the bytes (a UTF-8 newline byte is never part of another
 * character), and each chunk is searched once, so a 50 MB line costs linear time; it is kept
 * as a list of chunks and decoded once when its newline arrives.
 */
export class JsonlLines {
  private parts: Buffer[] = [];
  private pendingBytes = 0;
  private line = 0;

  constructor(
    private readonly path: string,
    private readonly maxChars: number,
    private readonly maxLineBytes: number = MAX_JSONL_LINE_BYTES,
  ) {}

  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let pos = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, pos)) {
      this.hold(chunk.subarray(pos, nl));
      this.parse(this.take(), out);
      pos = nl + 1;
    }
    this.hold(chunk.subarray(pos));
    return out;
  }

  end(): string[] {
    const out: string[] = [];
    if (this.pendingBytes > 0) this.parse(this.take(), out);
    return out;
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.maxLineBytes) {
      const line = this.line + 1;
      throw new CorpusError('bad-jsonl', `${this.path}:${line}: line is longer than ${this.maxLineBytes} bytes, the limit for one jsonl line. Put one document per line, and split very long documents over several lines.`, { path: this.path, line });
    }
    this.parts.push(bytes);
  }

  private take(): string {
    const text = Buffer.concat(this.parts, this.pendingBytes).toString('utf8');
    this.parts = [];
    this.pendingBytes = 0;
    // A byte-order mark at the start of the file would make the first line invalid JSON.
    return this.line === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  private parse(raw: string, out: string[]): void {
    this.line++;
    if (raw.trim() === '') return;
    const fix = 'Each line must be a JSON object with a "text" string, e.g. {"text": "..."}.';
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new CorpusError('bad-jsonl', `${this.path}:${this.line}: not valid JSON (${(error as Error).message}). ${fix}`, { path: this.path, line: this.line }, { cause: error });
    }
    const text = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>).text : undefined;
    if (typeof text !== 'string') {
      const found = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? `keys: ${Object.keys(value).join(', ') || 'none'}` : `a ${typeof value}`;
      throw new CorpusError('bad-jsonl', `${this.path}:${this.line}: no "text" string (found ${found}). ${fix}`, { path: this.path, line: this.line });
    }
    const doc = cleanDocument(text);
    if (doc !== '') out.push(...splitLongDocument(doc, this.maxChars));
  }
}
