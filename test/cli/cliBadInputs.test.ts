// The smaller bad inputs of issue 14, as a user meets them on the command line, plus the
// corpus check (B9) reaching the CLI's output. Runs use the built-in demo model with tiny
// budgets, so each detection takes a few seconds.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUdhrText } from '../../src/corpus/udhrCorpus.ts';
import { runCli } from './runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-cli-bad-'));
const tiny = ['--budget', '300', '--eval-budget', '100', '--seq-len', '64', '--threads', '1'];
let en = '';
let fr = '';

before(async () => {
  en = join(dir, 'en.txt');
  fr = join(dir, 'fr.txt');
  // One paragraph (document) per line, so that the held-out share gets some of them.
  writeFileSync(en, (await readUdhrText('en')).replace(/\n+/g, '\n\n'));
  writeFileSync(fr, (await readUdhrText('fr')).replace(/\n+/g, '\n\n'));
});

function fails(args: string[], code: number, ...parts: RegExp[]): string {
  const r = runCli(args);
  assert.equal(r.code, code, `lape ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
  for (const p of parts) assert.match(r.stderr, p);
  return r.stderr;
}

test('out-of-range numbers say the allowed range; non-numbers say they are not numbers', () => {
  fails(['detect', '--model', 'demo', '--budget', '0'], 2, /--budget must be a whole number of at least 1, got 0\./);
  fails(['detect', '--model', 'demo', '--top-rate', '2'], 2, /--top-rate must be above 0 and at most 1, got 2\./);
  fails(['detect', '--model', 'demo', '--eval-budget=-5'], 2, /--eval-budget must be a whole number of at least 0, got -5\./);
  fails(['detect', '--model', 'demo', '--budget', 'lots'], 2, /--budget must be a number, got "lots"\./);
});

test('--eval-budget 0 with --ppl blames the budget, before any work', () => {
  const stderr = fails(['detect', '--model', 'demo', '--langs', 'en,fr', '--eval-budget', '0', '--ppl', '--out', join(dir, 'noeval-ppl')], 1, /evaluation budget of 0 \(--eval-budget 0\) holds none out/);
  assert.doesNotMatch(stderr, /too small/);
});

test('--out naming a file is a clear error, not ENOTDIR', () => {
  const file = join(dir, 'results.txt');
  writeFileSync(file, 'not a folder');
  const stderr = fails(['detect', '--model', 'demo', '--langs', 'en,fr', '--out', file], 1, /results\.txt is a file, not a folder/);
  assert.doesNotMatch(stderr, /ENOTDIR|EEXIST/);
});

test('lang=path pairs without --langs use the pairs\' languages, and a corpus in the wrong language is warned about', () => {
  const out = join(dir, 'swapped');
  const r = runCli(['detect', '--model', 'demo', '--corpus', `en=${fr},fr=${en}`, ...tiny, '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).languages, ['en', 'fr']);
  assert.match(r.stderr, /warning: The corpus for 'en' \(English\), .*fr\.txt, reads as French/);
  assert.match(r.stderr, /warning: The corpus for 'fr' \(French\), .*en\.txt, reads as English/);
});

test('binary garbage under en= is refused, naming the file', () => {
  const garbage = join(dir, 'garbage.bin');
  writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  fails(['detect', '--model', 'demo', '--corpus', `en=${garbage},fr=${fr}`, ...tiny, '--out', join(dir, 'garbage')], 1, /garbage\.bin for 'en' is not UTF-8 text/);
});

test('ppl on a run made with --eval-budget 0 blames the budget; export refuses to overwrite the folder\'s own files', () => {
  const out = join(dir, 'noeval');
  const r = runCli(['detect', '--model', 'demo', '--corpus', `en=${en},fr=${fr}`, '--budget', '300', '--eval-budget', '0', '--seq-len', '64', '--threads', '1', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const stderr = fails(['ppl', out, '--model', 'demo'], 1, /run with an evaluation budget of 0 \(--eval-budget 0\)/);
  assert.doesNotMatch(stderr, /too small/);

  const stats = readFileSync(join(out, 'stats.lapestats'));
  fails(['export', out, '--format', 'json', '--out', join(out, 'stats.lapestats')], 1, /stats\.lapestats is part of the results folder .*would overwrite it/);
  fails(['export', out, '--format', 'csv', '--out', join(out, 'eval', 'en.json')], 1, /would overwrite it/);
  fails(['export', out, '--format', 'pth', '--out', out], 1, /the folder itself/);
  assert.deepEqual(readFileSync(join(out, 'stats.lapestats')), stats, 'the statistics are untouched');
  const ok = runCli(['export', out, '--format', 'json', '--out', join(out, 'neurons.export.json')]);
  assert.equal(ok.code, 0, ok.stderr);
});
