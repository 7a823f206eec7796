"""The reference method on the same model and the same tokens, as an independent peer.

Loads a GGUF into transformers (dequantized to F32), counts over_zero per language the way
RUCAIBox's activation.py does (act_fn(gate_proj(x)) > 0, summed over batch and positions),
on the token ids our detection exported (<results>/tokens/<lang>.json, BOS included), then
runs the reference identify.py, unchanged, from ../shared/reference/rucaibox/ in a temporary
folder laid out as it expects (data/activation.<lang>.train.llama-70b -> activation_mask/llama-70b).

Usage: lape_peer.py --gguf FILE --results DIR --identify PATH/identify.py --out peer.json
Writes {languages, n, overZero[lang][layer*nFf], neurons[lang][layer][...], nll}.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from types import MethodType

import torch
from transformers import AutoModelForCausalLM

# identify.py reads these seven languages in this order and names its files after llama-70b.
IDENTIFY_LANGS = ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja']
IDENTIFY_MODEL = 'llama-70b'


def load_model(gguf_path):
    folder, name = os.path.split(os.path.abspath(gguf_path))
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32, attn_implementation='eager')
    model.eval()
    return model


def hook_mlps(model, counting):
    """Replaces each MLP's forward like activation.py's llama_forward: count act_fn(gate) > 0
    into counting['over_zero'] (None: count nothing, e.g. for the sanity-check loss)."""
    def factory(idx):
        def forward(self, x):
            act = self.act_fn(self.gate_proj(x))
            over_zero = counting['over_zero']
            if over_zero is not None:
                over_zero[idx, :] += (act.float() > 0).sum(dim=(0, 1))
            return self.down_proj(act * self.up_proj(x))
        return forward
    for i, layer in enumerate(model.model.layers):
        layer.mlp.forward = MethodType(factory(i), layer.mlp)


def count_language(model, sequences, batch=4):
    """Sequences of equal length go through together (no padding, so no pad token is counted);
    only the body runs, the output head is not needed for the counts."""
    by_length = {}
    for seq in sequences:
        by_length.setdefault(len(seq), []).append(seq)
    with torch.inference_mode():
        for same in by_length.values():
            for i in range(0, len(same), batch):
                model.model(input_ids=torch.tensor(same[i:i + batch], dtype=torch.long), use_cache=False)
    return sum(len(s) for s in sequences)


def mean_nll(model, seq):
    """Mean next-token loss on one sequence: a sanity check that the GGUF loaded as a working model."""
    with torch.inference_mode():
        ids = torch.tensor([seq], dtype=torch.long)
        return float(model(input_ids=ids, labels=ids, use_cache=False).loss)


def run_identify(identify_py, n, over_zero_by_lang, n_layer):
    """Runs the reference identify.py unchanged in a temp folder laid out as it expects."""
    work = tempfile.mkdtemp(prefix='lape-peer-identify-')
    try:
        os.makedirs(os.path.join(work, 'data'))
        os.makedirs(os.path.join(work, 'activation_mask'))
        for lang in IDENTIFY_LANGS:
            torch.save(dict(n=n[lang], over_zero=over_zero_by_lang[lang]), os.path.join(work, 'data', f'activation.{lang}.train.{IDENTIFY_MODEL}'))
        r = subprocess.run([sys.executable, os.path.abspath(identify_py)], cwd=work, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f'identify.py failed:\n{r.stderr}')
        masks = torch.load(os.path.join(work, 'activation_mask', IDENTIFY_MODEL))
        # identify.py drops trailing languages that got no neuron (its bincount is shorter).
        neurons = [[[int(j) for j in layer.tolist()] for layer in per_lang] for per_lang in masks]
        while len(neurons) < len(IDENTIFY_LANGS):
            neurons.append([[] for _ in range(n_layer)])
        return neurons, r.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--gguf', required=True)
    ap.add_argument('--results', required=True)
    ap.add_argument('--identify', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--threads', type=int, default=0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    t0 = time.time()
    model = load_model(a.gguf)
    cfg = model.config.get_text_config() if hasattr(model.config, 'get_text_config') else model.config
    n_layer, n_ff = cfg.num_hidden_layers, cfg.intermediate_size
    t_load = time.time() - t0
    counting = dict(over_zero=None)
    hook_mlps(model, counting)
    n, over_zero_by_lang, nll = {}, {}, {}
    for lang in IDENTIFY_LANGS:
        with open(os.path.join(a.results, 'tokens', f'{lang}.json'), encoding='utf8') as f:
            sequences = json.load(f)['sequences']
        counting['over_zero'] = over_zero_by_lang[lang] = torch.zeros(n_layer, n_ff, dtype=torch.int32)
        n[lang] = count_language(model, sequences)
        counting['over_zero'] = None
        nll[lang] = mean_nll(model, sequences[0])
        print(f'peer: {lang} {n[lang]} tokens, nll {nll[lang]:.3f}', file=sys.stderr, flush=True)
    t_count = time.time() - t0 - t_load
    neurons, identify_stdout = run_identify(a.identify, n, over_zero_by_lang, n_layer)
    out = dict(
        languages=IDENTIFY_LANGS, nLayer=n_layer, nFf=n_ff, n=[n[l] for l in IDENTIFY_LANGS],
        overZero=[over_zero_by_lang[l].flatten().tolist() for l in IDENTIFY_LANGS],
        neurons=neurons, nll=[nll[l] for l in IDENTIFY_LANGS], identifyStdout=identify_stdout,
        seconds=dict(load=t_load, count=t_count, total=time.time() - t0),
        versions=dict(torch=torch.__version__, transformers=__import__('transformers').__version__),
    )
    with open(a.out, 'w', encoding='utf8') as f:
        json.dump(out, f)


if __name__ == '__main__':
    main()
