import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { identify, type IdentifyParams } from '../../src/lape/identify.ts';
import { encodeTorchArchive, type TorchWritable } from '../../src/lape/formats/encodeTorchArchive.ts';
import { torchTensor } from '../../src/lape/formats/torchTensor.ts';
import { readReferenceActivations, referenceActivationName } from '../../src/lape/formats/referenceActivation.ts';
import { readNeuronPth } from '../../src/lape/formats/pth.ts';
import type { ActivationStats } from '../../src/lape/languageStats.ts';
import { PYTHON, randomStats, torchUnavailable } from './lapeTestSupport.ts';

/**
 * identify.py from RUCAIBox/Language-Specific-Neurons, unchanged except where marked "CHANGED":
 * the languages, file names and rates come from the command line, and the activation bar is
 * printed so that it can be compared.
 */
const IDENTIFY_PY = `
import json, sys  # CHANGED
import torch
import torch.nn.functional as F

data_dir, model_name, out_path = sys.argv[1], sys.argv[2], sys.argv[3]  # CHANGED
arg_top_rate, arg_filter_rate, arg_activation_bar_ratio = map(float, sys.argv[4:7])  # CHANGED
n, over_zero = [], []
for lang in json.loads(sys.argv[7]):  # CHANGED
    data = torch.load(f'{data_dir}/activation.{lang}.train.{model_name}')  # CHANGED
    n.append(data['n'])
    over_zero.append(data['over_zero'])

n = torch.tensor(n)
over_zero = torch.stack(over_zero, dim=-1)

num_layers, intermediate_size, lang_num = over_zero.size()

def activation():
    top_rate = arg_top_rate  # CHANGED
    filter_rate = arg_filter_rate  # CHANGED
    activation_bar_ratio = arg_activation_bar_ratio  # CHANGED
    activation_probs = over_zero / n # layer x inter x lang_num
    normed_activation_probs = activation_probs / activation_probs.sum(dim=-1, keepdim=True)
    normed_activation_probs[torch.isnan(normed_activation_probs)] = 0
    log_probs = torch.where(normed_activation_probs > 0, normed_activation_probs.log(), 0)
    entropy = -torch.sum(normed_activation_probs * log_probs, dim=-1)
    largest = False
    
    if torch.isnan(entropy).sum():
        print(torch.isnan(entropy).sum())
        raise ValueError
    
    flattened_probs = activation_probs.flatten()
    top_prob_value = flattened_probs.kthvalue(round(len(flattened_probs) * filter_rate)).values.item()
    print(top_prob_value)
    # dismiss the neruon if no language has an activation value over top 90%
    top_position = (activation_probs > top_prob_value).sum(dim=-1)
    entropy[top_position == 0] = -torch.inf if largest else torch.inf

    flattened_entropy = entropy.flatten()
    top_entropy_value = round(len(flattened_entropy) * top_rate)
    _, index = flattened_entropy.topk(top_entropy_value, largest=largest)
    row_index = index // entropy.size(1)
    col_index = index % entropy.size(1)
    selected_probs = activation_probs[row_index, col_index] # n x lang
    # for r, c in zip(row_index, col_index):
    #     print(r, c, activation_probs[r][c])

    print(selected_probs.size(0), torch.bincount(selected_probs.argmax(dim=-1)))
    selected_probs = selected_probs.transpose(0, 1)
    activation_bar = flattened_probs.kthvalue(round(len(flattened_probs) * activation_bar_ratio)).values.item()
    print(activation_bar)  # CHANGED: added
    print((selected_probs > activation_bar).sum(dim=1).tolist())
    lang, indice = torch.where(selected_probs > activation_bar)

    merged_index = torch.stack((row_index, col_index), dim=-1)
    final_indice = []
    for _, index in enumerate(indice.split(torch.bincount(lang).tolist())):
        lang_index = [tuple(row.tolist()) for row in merged_index[index]]
        lang_index.sort()
        layer_index = [[] for _ in range(num_layers)]
        for l, h in lang_index:
            layer_index[l].append(h)
        for l, h in enumerate(layer_index):
            layer_index[l] = torch.tensor(h).long()
        final_indice.append(layer_index)
    torch.save(final_indice, out_path)  # CHANGED: path

activation()
`;

/** Saves one activation.<lang>.train.<model> per language, as activation.py does (n an int, over_zero int32). */
function saveActivationFiles(dir: string, model: string, stats: ActivationStats): string[] {
  return stats.languages.map((l) => {
    const path = join(dir, referenceActivationName(l.lang, model));
    const overZero = torchTensor('int32', [stats.nLayer, stats.nFf], l.overZero);
    writeFileSync(path, encodeTorchArchive(new Map<string, TorchWritable>([['n', l.tokens], ['over_zero', overZero]])));
    return path;
  });
}

function runReference(dir: string, model: string, langs: string[], p: Required<IdentifyParams>) {
  const out = join(dir, `${model}.neuron.pth`);
  const args = ['-c', IDENTIFY_PY, dir, model, out, String(p.topRate), String(p.filterRate), String(p.activationBarRatio), JSON.stringify(langs)];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `identify.py failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return { topProbValue: Number(lines[0]), activationBar: Number(lines[2]), neurons: readNeuronPth(out) };
}

const CASES: Array<{ name: string; seed: number; quiet?: string[]; params: Required<IdentifyParams> }> = [
  { name: 'paper rates', seed: 101, params: { topRate: 0.01, filterRate: 0.95, activationBarRatio: 0.95 } },
  { name: 'identify.py rates (top 5%)', seed: 102, params: { topRate: 0.05, filterRate: 0.95, activationBarRatio: 0.95 } },
  { name: 'quiet fr and ja', seed: 103, quiet: ['fr', 'ja'], params: { topRate: 0.05, filterRate: 0.95, activationBarRatio: 0.95 } },
  { name: 'bar below filter', seed: 104, params: { topRate: 0.1, filterRate: 0.9, activationBarRatio: 0.85 } },
];

for (const c of CASES) {
  test(`identify equals the real identify.py under torch: ${c.name}`, (t) => {
    const why = torchUnavailable();
    if (why) return t.skip(why);
    const langs = ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'];
    const stats = randomStats({ nLayer: 4, nFf: 512, langs, seed: c.seed, quiet: c.quiet });
    const dir = mkdtempSync(join(tmpdir(), 'lape-torch-'));
    const paths = saveActivationFiles(dir, 'tiny', stats);
    const want = runReference(dir, 'tiny', langs, c.params);
    const got = identify(readReferenceActivations(paths), c.params);
    assert.equal(got.filterThreshold, want.topProbValue, 'filter threshold');
    assert.equal(got.activationBar, want.activationBar, 'activation bar');
    for (let l = 0; l < langs.length; l++) {
      const expected = want.neurons[l] ?? Array.from({ length: stats.nLayer }, () => []);
      assert.deepEqual(got.neurons[l], expected, `neurons of ${langs[l]}`);
    }
    if (c.quiet) assert.equal(want.neurons.length, 6, 'the reference drops the trailing language');
  });
}
