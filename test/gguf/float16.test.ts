import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16BitsToFloat32, float32ToFloat16, float32ToFloat16Bits, roundToFloat16 } from '../../src/gguf/float16.ts';

const isNaNBits = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

test('every finite and infinite binary16 value survives a round trip', () => {
  for (let h = 0; h < 0x10000; h++) {
    if (isNaNBits(h)) continue;
    assert.equal(float32ToFloat16Bits(float16BitsToFloat32(h)), h, `bits 0x${h.toString(16)}`);
  }
});

test('known values decode as IEEE binary16', () => {
  assert.equal(float16BitsToFloat32(0x3c00), 1);
  assert.equal(float16BitsToFloat32(0xc000), -2);
  assert.equal(float16BitsToFloat32(0x7bff), 65504);
  assert.equal(float16BitsToFloat32(0x0001), 2 ** -24);
  assert.equal(float16BitsToFloat32(0x0400), 2 ** -14);
  assert.equal(float16BitsToFloat32(0x7c00), Infinity);
  assert.ok(Object.is(float16BitsToFloat32(0x8000), -0));
  assert.ok(Number.isNaN(float16BitsToFloat32(0x7e00)));
});

test('values between two neighbours round to nearest, ties to even', () => {
  // Positive normal and subnormal neighbours, including the step across the subnormal boundary.
  for (const h of [0x0000, 0x0001, 0x0002, 0x03ff, 0x0400, 0x3c00, 0x3c01, 0x4000, 0x7bfe]) {
    const a = float16BitsToFloat32(h);
    const b = float16BitsToFloat32(h + 1);
    const mid = (a + b) / 2; // exact in float32: binary16 has far fewer mantissa bits
    const even = (h & 1) === 0 ? h : h + 1;
    assert.equal(float32ToFloat16Bits(mid), even, `tie between 0x${h.toString(16)} and next`);
    assert.equal(float32ToFloat16Bits(mid - (b - a) / 64), h, 'just below the midpoint');
    assert.equal(float32ToFloat16Bits(mid + (b - a) / 64), h + 1, 'just above the midpoint');
    assert.equal(float32ToFloat16Bits(-mid), even | 0x8000, 'negative tie');
  }
});

test('overflow, underflow, NaN and signed zero', () => {
  assert.equal(float32ToFloat16Bits(65519), 0x7bff); // below the midpoint to 65536
  assert.equal(float32ToFloat16Bits(65520), 0x7c00); // the tie rounds to even: infinity
  assert.equal(float32ToFloat16Bits(1e10), 0x7c00);
  assert.equal(float32ToFloat16Bits(-Infinity), 0xfc00);
  assert.equal(float32ToFloat16Bits(2 ** -26), 0x0000);
  assert.equal(float32ToFloat16Bits(2 ** -25), 0x0000); // exactly half of the smallest subnormal: even
  assert.equal(float32ToFloat16Bits(2 ** -25 * 1.0001), 0x0001);
  assert.equal(float32ToFloat16Bits(-0), 0x8000);
  assert.ok(isNaNBits(float32ToFloat16Bits(NaN)));
});

test('array helpers agree with the scalar conversion', () => {
  const xs = Float32Array.from([0.1, -3.3, 1e-6, 7000.7, 0]);
  const bits = float32ToFloat16(xs);
  const rounded = roundToFloat16(xs);
  for (let i = 0; i < xs.length; i++) {
    assert.equal(bits[i], float32ToFloat16Bits(xs[i]));
    assert.equal(rounded[i], Math.fround(float16BitsToFloat32(bits[i])));
  }
  assert.equal(rounded[0], 0.0999755859375);
});
