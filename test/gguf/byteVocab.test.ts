import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteDetokenize, byteTokenize, byteVocab } from '../../src/gguf/byteVocab.ts';
import { TokenType } from '../../src/gguf/spmVocab.ts';
import { MULTILINGUAL_SAMPLES } from './multilingualSamples.ts';

test('the byte vocabulary has specials, 256 byte tokens and the space piece', () => {
  const v = byteVocab();
  assert.equal(v.tokens.length, 260);
  assert.deepEqual(v.tokens.slice(0, 3), ['<unk>', '<s>', '</s>']);
  assert.deepEqual([v.unkId, v.bosId, v.eosId], [0, 1, 2]);
  assert.equal(v.tokens[v.byteOffset + 0x0a], '<0x0A>');
  assert.equal(v.tokens[v.byteOffset + 0xff], '<0xFF>');
  assert.equal(v.tokens[v.spaceId], '\u2581');
  assert.equal(new Set(v.tokens).size, v.tokens.length, 'pieces are unique');
  for (let b = 0; b < 256; b++) assert.equal(v.tokenTypes[v.byteOffset + b], TokenType.byte);
  assert.equal(v.tokenTypes[v.spaceId], TokenType.normal);
  assert.equal(v.tokenTypes[v.bosId], TokenType.control);
  assert.equal(v.addBos, true);
  assert.equal(byteVocab({ addBos: false }).addBos, false);
});

test('byteTokenize maps spaces to the space piece and everything else to UTF-8 bytes', () => {
  const v = byteVocab();
  const b = (x: number) => v.byteOffset + x;
  assert.deepEqual(byteTokenize(v, 'a b'), [b(0x61), v.spaceId, b(0x62)]);
  assert.deepEqual(byteTokenize(v, 'é\n'), [b(0xc3), b(0xa9), b(0x0a)]);
  assert.deepEqual(byteTokenize(v, '\u2581'), [v.spaceId]);
  assert.deepEqual(byteTokenize(v, ''), []);
});

test('byteTokenize and byteDetokenize round-trip multilingual text', () => {
  const v = byteVocab();
  for (const [lang, text] of Object.entries(MULTILINGUAL_SAMPLES)) {
    const expected = text.replaceAll('\u2581', ' '); // the documented exception
    assert.equal(byteDetokenize(v, byteTokenize(v, text)), expected, lang);
  }
  assert.equal(byteDetokenize(v, [v.bosId, ...byteTokenize(v, 'x'), v.eosId]), 'x', 'specials give no text');
});
