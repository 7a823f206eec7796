import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { bestContrast, contrastRatio, flatten, mix, parseColor, toCss } from '../../webview/colorMath.ts';
import { debounce } from '../../webview/debounce.ts';
import { formatChange, formatPercent, neuronLabel } from '../../webview/format.ts';

describe('colour maths', () => {
  it('parses the colour forms VS Code themes use', () => {
    assert.deepEqual(parseColor('#1f1f1f'), { r: 31, g: 31, b: 31, a: 1 });
    assert.deepEqual(parseColor('#fff'), { r: 255, g: 255, b: 255, a: 1 });
    assert.deepEqual(parseColor('#ffffff80'), { r: 255, g: 255, b: 255, a: 128 / 255 });
    assert.deepEqual(parseColor(' rgba(10, 20, 30, 0.5) '), { r: 10, g: 20, b: 30, a: 0.5 });
    assert.deepEqual(parseColor('rgb(10 20 30 / 50%)'), { r: 10, g: 20, b: 30, a: 0.5 });
    assert.equal(parseColor('color-mix(in srgb, red, blue)'), undefined);
    assert.equal(parseColor('#12345'), undefined);
  });

  it('mixes, flattens and picks readable text', () => {
    const black = parseColor('#000000')!;
    const white = parseColor('#ffffff')!;
    assert.equal(toCss(mix(black, white, 0.5)), 'rgb(128, 128, 128)');
    assert.equal(toCss(flatten({ ...white, a: 0.25 }, black)), 'rgb(64, 64, 64)');
    assert.ok(Math.abs(contrastRatio(black, white) - 21) < 1e-9);
    // Dark text on VS Code's bright red cell, as the perplexity matrix draws it.
    assert.deepEqual(bestContrast(parseColor('#f14c4c')!, [parseColor('#cccccc')!, parseColor('#1f1f1f')!]), parseColor('#1f1f1f'));
    assert.deepEqual(bestContrast(parseColor('#1f1f1f')!, [black, white]), white);
  });
});

describe('formats', () => {
  it('writes changes signed, with a real minus, and never "-0.0%"', () => {
    assert.equal(formatChange(0.2456), '+24.6%');
    assert.equal(formatChange(-0.004), '\u22120.4%');
    assert.equal(formatChange(-0.0001), '0.0%');
    assert.equal(formatChange(0.25, 0), '+25%');
    assert.equal(formatPercent(0.013), '1.3%');
    assert.equal(neuronLabel(12, 345), 'L12 #345');
  });
});

describe('debounce', () => {
  it('runs only the last call of a burst, once, after the delay', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const calls: number[] = [];
      const run = debounce((n: number) => calls.push(n), 250);
      run(1);
      mock.timers.tick(200);
      run(2);
      mock.timers.tick(249);
      assert.deepEqual(calls, []);
      mock.timers.tick(1);
      assert.deepEqual(calls, [2]);
      run(3);
      run.cancel();
      mock.timers.tick(1000);
      assert.deepEqual(calls, [2]);
    } finally {
      mock.timers.reset();
    }
  });
});
