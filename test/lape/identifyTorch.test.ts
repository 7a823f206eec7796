import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { identify, type IdentifyParams } from '../../src/lape/identify.ts';
import { encodeTorchArchive, type TorchWritable } from '../../src/lape/formats/encodeTorchArchive.ts';
import { torchTensor } from '../../src/lape/formats/torchTensor.ts';
import { readReferenceActivations, referenceActivationName } from '../../src/lape/formats/referenceActivation.ts';
import { readNeuronPth } from '../../src/lape/formats/pth.ts';
import type { ActivationStats } from '../../src/lape/languageStats.ts';
import { PYTHON, randomStats, sharedDir, sharedMissing, torchUnavailable } from './lapeTestSupport.ts';

/**
 * Runs the reference identify.py exactly as it is in ../shared/reference/rucaibox, from outside:
 * in a temporary folder laid out as it expects (data/activation.<lang>.train.llama-70b for its
 * seven languages, activation_mask/ for its output), with its hard-coded rates (0.01, 0.95,
 * 0.95) replaced through the one place it uses them: round(N * rate), called in identify.py in
 * the order filter quantile, number of neurons selected, activation bar. The wrapper replaces
 * builtins.round for calls made from identify.py's own code only.
 */
const RATES_WRAPPER = `
import builtins, os, runpy, sys
script = os.path.realpath(sys.argv[1])
coded = [0.95, 0.01, 0.95]
wanted = [float(sys.argv[3]), float(sys.argv[2]), float(sys.argv[4])]
real_round = builtins.round
calls = 0
def rates_round(x, *rest):
    global calls
    if rest or calls >= 3 or os.path.realpath(sys._getframe(1).f_code.co_filename) != script:
        return real_round(x, *rest)
    n = real_round(x / coded[calls])
    k = real_round(n * wanted[calls])
    calls += 1
    return k
builtins.round = rates_round
runpy.run_path(script, run_name='__main__')
assert calls == 3, f'identify.py called round {calls} times, expected 3'
`;

/** identify.py reads these seven languages and this model name; they are not parameters. */
const REFERENCE_LANGS = ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'];
const REFERENCE_MODEL = 'llama-70b';

/** Saves one activation.<lang>.train.<model> per language, as activation.py does (n an int, over_zero int32). */
function saveActivationFiles(dir: string, model: string, stats: ActivationStats): string[] {
  return stats.languages.map((l) => {
    const path = join(dir, referenceActivationName(l.lang, model));
    const overZero = torchTensor('int32', [stats.nLayer, stats.nFf], l.overZero);
    writeFileSync(path, encodeTorchArchive(new Map<string, TorchWritable>([['n', l.tokens], ['over_zero', overZero]])));
    return path;
  });
}

function runReference(dir: string, p: Required<IdentifyParams>) {
  mkdirSync(join(dir, 'activation_mask'));
  const script = join(sharedDir, 'reference', 'rucaibox', 'identify.py');
  const args = ['-c', RATES_WRAPPER, script, String(p.topRate), String(p.filterRate), String(p.activationBarRatio)];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, `identify.py failed:\n${r.stderr}`);
  // It prints the filter threshold, then the selection's size and argmax counts, then the
  // number of neurons each language gets.
  const lines = r.stdout.trim().split('\n');
  return { topProbValue: Number(lines[0]), perLanguage: JSON.parse(lines[2]) as number[], neurons: readNeuronPth(join(dir, 'activation_mask', REFERENCE_MODEL)) };
}

const CASES: Array<{ name: string; seed: number; quiet?: string[]; params: Required<IdentifyParams> }> = [
  { name: 'paper rates', seed: 101, params: { topRate: 0.01, filterRate: 0.95, activationBarRatio: 0.95 } },
  { name: 'identify.py rates (top 5%)', seed: 102, params: { topRate: 0.05, filterRate: 0.95, activationBarRatio: 0.95 } },
  { name: 'quiet fr and ja', seed: 103, quiet: ['fr', 'ja'], params: { topRate: 0.05, filterRate: 0.95, activationBarRatio: 0.95 } },
  { name: 'bar below filter', seed: 104, params: { topRate: 0.1, filterRate: 0.9, activationBarRatio: 0.85 } },
];

for (const c of CASES) {
  test(`identify equals the reference identify.py under torch: ${c.name}`, (t) => {
    const why = sharedMissing('reference/rucaibox/identify.py') ?? torchUnavailable();
    if (why) return t.skip(why);
    const langs = REFERENCE_LANGS;
    const stats = randomStats({ nLayer: 4, nFf: 512, langs, seed: c.seed, quiet: c.quiet });
    const dir = mkdtempSync(join(tmpdir(), 'lape-torch-'));
    mkdirSync(join(dir, 'data'));
    const paths = saveActivationFiles(join(dir, 'data'), REFERENCE_MODEL, stats);
    const want = runReference(dir, c.params);
    const got = identify(readReferenceActivations(paths), c.params);
    assert.equal(got.filterThreshold, want.topProbValue, 'filter threshold');
    for (let l = 0; l < langs.length; l++) {
      const expected = want.neurons[l] ?? Array.from({ length: stats.nLayer }, () => []);
      assert.deepEqual(got.neurons[l], expected, `neurons of ${langs[l]}`);
      assert.equal(got.neurons[l].flat().length, want.perLanguage[l] ?? 0, `neuron count of ${langs[l]}`);
    }
    if (c.quiet) assert.equal(want.neurons.length, 6, 'the reference drops the trailing language');
  });
}
