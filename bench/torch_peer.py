"""The reference way of counting, for `npm run bench`: a PyTorch llama forward over the
same F32 weights, with the activation statistics gathered by forward hooks on each layer's
act_fn module, as RUCAIBox/Language-Specific-Neurons' activation.py does (over_zero counts
act_fn(gate) > 0). Reads weights exported by bench/torchPeer.ts; prints JSON on stdout."""
import json, sys, time
import numpy as np
import torch

torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
folder, tokens_file = sys.argv[1], sys.argv[2]
meta = json.load(open(f"{folder}/meta.json"))
h = meta["hparams"]
E, F, H, HKV, L = h["nEmbd"], h["nFf"], h["nHead"], h["nHeadKv"], h["nLayer"]
D = E // H

def W(name):
    t = meta["tensors"][name]
    arr = np.fromfile(f"{folder}/{t['file']}", dtype=np.float32).reshape(list(reversed(t["shape"])))
    return torch.from_numpy(arr)

def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + h["normEps"]) * w

def rope(x, T):
    # llama.cpp NORM rope: rotates adjacent pairs (x0, x1)
    pos = torch.arange(T, dtype=torch.float32)[:, None]
    inv = h["ropeFreqBase"] ** (-torch.arange(0, D, 2, dtype=torch.float32) / D)
    ang = pos * inv[None, :]
    c, s = torch.cos(ang)[:, None, :], torch.sin(ang)[:, None, :]
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = x0 * c - x1 * s
    out[..., 1::2] = x0 * s + x1 * c
    return out

class Mlp(torch.nn.Module):
    def __init__(self, p):
        super().__init__()
        self.gate, self.up, self.down = W(p + "ffn_gate.weight"), W(p + "ffn_up.weight"), W(p + "ffn_down.weight")
        self.act_fn = torch.nn.SiLU()
    def forward(self, x):
        return (self.act_fn(x @ self.gate.T) * (x @ self.up.T)) @ self.down.T

over_zero = torch.zeros(L, F, dtype=torch.int32)
mlps = [Mlp(f"blk.{i}.") for i in range(L)]
for i, m in enumerate(mlps):
    def hook(module, inputs, output, i=i):
        over_zero[i] += (output > 0).sum(dim=tuple(range(output.dim() - 1))).to(torch.int32)
    m.act_fn.register_forward_hook(hook)

embd = W("token_embd.weight")
layers = [{k: W(f"blk.{i}.{k}.weight") for k in ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm"]} for i in range(L)]
out_norm, out_w = W("output_norm.weight"), (W("output.weight") if "output.weight" in meta["tensors"] else embd)

def forward(tokens):
    T = len(tokens)
    x = embd[torch.tensor(tokens)]
    mask = torch.full((T, T), float("-inf")).triu(1)
    for i in range(L):
        p = layers[i]
        a = rms(x, p["attn_norm"])
        q = rope((a @ p["attn_q"].T).view(T, H, D), T)
        k = rope((a @ p["attn_k"].T).view(T, HKV, D), T)
        v = (a @ p["attn_v"].T).view(T, HKV, D)
        k = k.repeat_interleave(H // HKV, dim=1)
        v = v.repeat_interleave(H // HKV, dim=1)
        att = torch.einsum("thd,shd->hts", q, k) / D ** 0.5 + mask
        o = torch.einsum("hts,shd->thd", att.softmax(-1), v).reshape(T, E)
        x = x + o @ p["attn_output"].T
        x = x + mlps[i](rms(x, p["ffn_norm"]))
    return rms(x, out_norm) @ out_w.T

batches = json.load(open(tokens_file))
with torch.no_grad():
    forward(batches[0])
    over_zero.zero_()
    t0 = time.perf_counter()
    for b in batches:
        forward(b)
    secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "tokens": sum(len(b) for b in batches), "overZero": over_zero.flatten().tolist(), "torch": torch.__version__}))
