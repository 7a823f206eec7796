import { EngineError } from './errors.ts';

/**
 * Where the FFN of each supported architecture exposes the quantities LAPE needs in
 * llama.cpp's graph (names from `build_ffn` in src/llama-graph.cpp of the bundled
 * llama.cpp, and the `build_ffn` call in src/models/<arch>.cpp):
 *
 * - `pre`: the tensor whose value decides "active" (act_fn(x) > 0 iff x > 0);
 * - `up`: the up projection that multiplies act_fn(gate), if there is a gate;
 * - `out`: act_fn(gate) * up (or act_fn(up) without a gate), the input of ffn_down.
 *
 * Edits are written into `out`: zeroing or scaling act_fn(gate) is the same as zeroing
 * or scaling the product, and setting or adding c is out = c * up or out + c * up, which
 * is exact where inverting act_fn on the gate would not be (SiLU has no inverse below
 * -0.278).
 */
export type Activation = 'silu' | 'gelu';

export interface FfnAdapter {
  readonly architecture: string;
  readonly family: 'gated' | 'fused-gate-up' | 'ungated';
  readonly activation: Activation;
  readonly pre: string;
  readonly up: string | null;
  readonly out: string;
}

type Family = Omit<FfnAdapter, 'architecture' | 'pre' | 'up'> & { pre: string; up: string | null };

const SWIGLU: Family = { family: 'gated', activation: 'silu', pre: 'ffn_gate', up: 'ffn_up', out: 'ffn_swiglu' };
const GEGLU: Family = { family: 'gated', activation: 'gelu', pre: 'ffn_gate', up: 'ffn_up', out: 'ffn_geglu' };
// phi3 projects gate and up in one matrix: rows [0, n_ff) are the gate, [n_ff, 2 n_ff) up.
const FUSED_SWIGLU: Family = { family: 'fused-gate-up', activation: 'silu', pre: 'ffn_up', up: 'ffn_up', out: 'ffn_swiglu' };
// No gate: GELU(up x + b) is the activation itself (the reference uses up + bias for BLOOM).
const UNGATED_GELU: Family = { family: 'ungated', activation: 'gelu', pre: 'ffn_up_b', up: null, out: 'ffn_gelu' };

const FAMILIES: Record<string, Family> = {
  llama: SWIGLU,
  qwen2: SWIGLU,
  qwen3: SWIGLU,
  gemma: GEGLU,
  gemma2: GEGLU,
  gemma3: GEGLU,
  phi3: FUSED_SWIGLU,
  bloom: UNGATED_GELU,
  phi2: UNGATED_GELU,
  gpt2: UNGATED_GELU,
  starcoder: UNGATED_GELU,
};

export const SUPPORTED_ARCHITECTURES = Object.keys(FAMILIES);

/**
 * The adapter for a model, given its architecture and tensor names. llama-family
 * models with FFN biases get `ffn_gate_b`/`ffn_up_b` as the graph names, because
 * build_ffn names the tensor after the bias is added.
 */
export function ffnAdapterFor(architecture: string, tensorNames: ReadonlySet<string>): FfnAdapter {
  const fam = FAMILIES[architecture];
  if (!fam) {
    throw new EngineError(
      'unsupported-architecture',
      `Architecture "${architecture}" is not supported for neuron analysis. Supported: ${SUPPORTED_ARCHITECTURES.join(', ')}.`,
    );
  }
  if ([...tensorNames].some((n) => /^blk\.\d+\.ffn_(gate_inp|up_exps|gate_exps)\b/.test(n))) {
    throw new EngineError(
      'unsupported-architecture',
      `This "${architecture}" model has mixture-of-experts FFN layers, which LAPE neuron analysis does not support yet (only dense FFNs).`,
    );
  }
  let { pre, up } = fam;
  if (fam.family === 'gated') {
    if (tensorNames.has('blk.0.ffn_gate.bias')) pre = 'ffn_gate_b';
    if (tensorNames.has('blk.0.ffn_up.bias')) up = 'ffn_up_b';
    if (tensorNames.has('blk.0.ffn_gate.scale') || tensorNames.has('blk.0.ffn_up.scale')) {
      throw new EngineError('unsupported-architecture', `This "${architecture}" model uses per-tensor FFN scales (NVFP4), which neuron hooks do not support yet.`);
    }
  }
  return { architecture, ...fam, pre, up };
}

export function activationFunction(kind: Activation): (x: number) => number {
  if (kind === 'silu') return (x) => x / (1 + Math.exp(-x));
  // ggml's GELU is the tanh approximation.
  const k = Math.sqrt(2 / Math.PI);
  return (x) => 0.5 * x * (1 + Math.tanh(k * x * (1 + 0.044715 * x * x)));
}
