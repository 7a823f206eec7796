import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSequences } from '../../src/corpus/buildSequences.ts';
import { readCorpusFile } from '../../src/corpus/userCorpus.ts';

const bytes = (text: string): Int32Array => Int32Array.from(Buffer.from(text, 'utf8'));
const MB = 1024 * 1024;

/** Writes about `size` bytes of `block` repeated, without holding the file in memory. */
function writeRepeated(path: string, block: string, size: number): number {
  const data = Buffer.from(block.repeat(Math.ceil(65536 / Buffer.byteLength(block))), 'utf8');
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    while (written < size) written += writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  return written;
}

function paragraphs(): string {
  const out: string[] = [];
  for (let i = 0; i < 200; i++) out.push(`Paragraph ${i}: the quick brown fox jumps over the lazy dog. ${'Lorem ipsum dolor sit amet. '.repeat(i % 9)}\n`);
  return `${out.join('\n')}\n`;
}

test('a 50 MB file is read only as far as the budgets need', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lape-stream-'));
  try {
    const txt = join(dir, 'en.txt');
    const size = writeRepeated(txt, paragraphs(), 50 * MB);
    let bytesRead = 0;
    const source = readCorpusFile(txt, { onProgress: (n, total) => { bytesRead = n; assert.equal(total, size); } });
    const result = await buildSequences(source, { tokenize: bytes, seqLen: 512, detectBudget: 200_000, evalBudget: 20_000, language: 'en' });
    assert.equal(result.detectTokens, 200_000);
    assert.equal(result.evalTokens, 20_000);
    assert.equal(result.exhausted, false);
    assert.ok(bytesRead < size / 20, `read ${bytesRead} of ${size} bytes`);
    console.log(`50 MB txt: read ${(bytesRead / 1024).toFixed(0)} kB of ${(size / MB).toFixed(0)} MB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

    const jsonl = join(dir, 'fr.jsonl');
    const line = `${JSON.stringify({ text: 'Le renard brun saute par-dessus le chien paresseux. '.repeat(20) })}\n`;
    const jsonlSize = writeRepeated(jsonl, line.repeat(100), 50 * MB);
    let jsonlRead = 0;
    const fromJsonl = await buildSequences(readCorpusFile(jsonl, { onProgress: (n) => { jsonlRead = n; } }), { tokenize: bytes, seqLen: 256, detectBudget: 100_000, evalBudget: 10_000 });
    assert.equal(fromJsonl.detectTokens + fromJsonl.evalTokens, 110_000);
    assert.ok(jsonlRead < jsonlSize / 20, `read ${jsonlRead} of ${jsonlSize} bytes`);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a file with no line breaks at all still streams in bounded documents', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lape-stream-'));
  try {
    const path = join(dir, 'ja.txt');
    const size = writeRepeated(path, '人類社会のすべての構成員の固有の尊厳と平等で譲ることのできない権利とを承認することは', 20 * MB);
    let bytesRead = 0;
    let longest = 0;
    let count = 0;
    for await (const doc of readCorpusFile(path, { maxDocChars: 4096, onProgress: (n) => { bytesRead = n; } })) {
      longest = Math.max(longest, doc.length);
      if (++count === 50) break;
    }
    assert.ok(longest <= 4096 && longest > 2048, `longest ${longest}`);
    assert.ok(bytesRead < size / 20, `read ${bytesRead} of ${size} bytes`);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
