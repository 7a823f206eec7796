import { EngineError } from './errors.ts';

/**
 * llama.cpp checks some hyper-parameters with GGML_ASSERT, which aborts the whole process (exit
 * 134, no message) instead of failing the load: `block_count` outside 1..512 (LLAMA_MAX_LAYERS in
 * llama-hparams.h), expert counts that do not fit together, `nextn_predict_layers` above
 * `block_count`. Those are refused here, before llama.cpp sees the file. The shapes that only make
 * the load fail (head counts, n_ff, n_embd, vocabulary against the tensors) are checked too, so
 * that the message names the metadata key instead of a tensor.
 */
export const MAX_LAYERS = 512;
const MAX_EXPERTS = 1024;

export interface MetadataTensor {
  name: string;
  dimensions: readonly (number | bigint)[];
}

function fail(path: string, message: string): never {
  throw new EngineError('bad-metadata', `${path}: ${message} The file's metadata is damaged or was edited; convert or download the model again.`);
}

/** A metadata value as a list of non-negative integers (a key may hold one value or one per layer). */
function integers(path: string, key: string, value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) fail(path, `"${key}" is ${String(v)}; it must be a whole number of at least 0.`);
    return n;
  });
}

/** node-llama-cpp nests `attention.head_count` as { attention: { head_count } }; flatten it back. */
function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out[prefix + k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  }
  return out;
}

/**
 * Throws a `bad-metadata` EngineError naming the key and its limit when the architecture metadata
 * (`<architecture>.*` without the prefix, as node-llama-cpp's `architectureMetadata` holds it)
 * would abort llama.cpp or disagrees with the tensor shapes.
 */
export function checkModelMetadata(path: string, architecture: string, nested: Record<string, unknown>, tensors: readonly MetadataTensor[], nVocab: number): void {
  const arch = flatten(nested);
  const key = (k: string) => `${architecture}.${k}`;
  const [nLayer] = integers(path, key('block_count'), arch.block_count) ?? fail(path, `"${key('block_count')}" is missing.`);
  if (nLayer < 1 || nLayer > MAX_LAYERS) fail(path, `"${key('block_count')}" is ${nLayer}; llama.cpp accepts 1 to ${MAX_LAYERS} layers.`);
  const nextn = integers(path, key('nextn_predict_layers'), arch.nextn_predict_layers)?.[0] ?? 0;
  if (nextn > nLayer) fail(path, `"${key('nextn_predict_layers')}" is ${nextn}; it must be at most "${key('block_count')}" (${nLayer}).`);

  const nExpert = integers(path, key('expert_count'), arch.expert_count)?.[0] ?? 0;
  const used = Math.max(0, ...(integers(path, key('expert_used_count'), arch.expert_used_count) ?? [0]));
  if (nExpert > MAX_EXPERTS) fail(path, `"${key('expert_count')}" is ${nExpert}; llama.cpp accepts at most ${MAX_EXPERTS}.`);
  if (used > nExpert) fail(path, `"${key('expert_used_count')}" is ${used}; it must be at most "${key('expert_count')}" (${nExpert}).`);
  if (nExpert > 0 && used === 0) fail(path, `"${key('expert_count')}" is ${nExpert} but "${key('expert_used_count')}" is missing or 0; it must be 1 to ${nExpert}.`);
  const groups = integers(path, key('expert_group_count'), arch.expert_group_count)?.[0] ?? 0;
  if (groups > 0 && groups >= Math.max(1, nExpert)) fail(path, `"${key('expert_group_count')}" is ${groups}; it must be below "${key('expert_count')}" (${nExpert}).`);

  const shapes = new Map(tensors.map((t) => [t.name, t.dimensions.map(Number)]));
  const blocks = 1 + Math.max(-1, ...tensors.map((t) => Number(/^blk\.(\d+)\./.exec(t.name)?.[1] ?? -1)));
  if (blocks > 0 && blocks !== nLayer) fail(path, `"${key('block_count')}" is ${nLayer} but the file has tensors for ${blocks} layers (blk.0 to blk.${blocks - 1}); they must agree.`);
  const nEmbd = integers(path, key('embedding_length'), arch.embedding_length)?.[0] ?? fail(path, `"${key('embedding_length')}" is missing.`);
  const embd = shapes.get('token_embd.weight');
  if (nEmbd < 1 || (embd && embd[0] !== nEmbd)) {
    fail(path, `"${key('embedding_length')}" is ${nEmbd}; it must match token_embd.weight's first dimension${embd ? ` (${embd[0]})` : ''}.`);
  }
  if (embd && nVocab > 0 && embd[1] !== nVocab) {
    fail(path, `the vocabulary ("tokenizer.ggml.tokens") has ${nVocab} tokens but token_embd.weight has ${embd[1]} rows; they must be equal.`);
  }

  const perLayer = (k: string): number[] | undefined => {
    const list = integers(path, key(k), arch[k]);
    if (list && list.length !== 1 && list.length !== nLayer) fail(path, `"${key(k)}" has ${list.length} values; it needs one, or one per layer (${nLayer}).`);
    return list && (list.length === 1 ? new Array<number>(nLayer).fill(list[0]) : list);
  };
  const nFf = perLayer('feed_forward_length');
  for (let il = 0; il < nLayer && nFf; il++) {
    const down = shapes.get(`blk.${il}.ffn_down.weight`);
    if (down && down[0] !== nFf[il]) fail(path, `"${key('feed_forward_length')}" is ${nFf[il]} for layer ${il}; it must match blk.${il}.ffn_down.weight's first dimension (${down[0]}).`);
  }
  const heads = perLayer('attention.head_count');
  const headsKv = perLayer('attention.head_count_kv');
  for (let il = 0; il < nLayer && heads; il++) {
    const h = heads[il];
    const kv = headsKv?.[il] ?? h;
    if (h === 0) continue; // attention-free layers (recurrent models) have no heads
    if (kv === 0 || kv > h || h % kv !== 0) {
      fail(path, `"${key('attention.head_count_kv')}" is ${kv} for layer ${il}; it must divide "${key('attention.head_count')}" (${h}) and be at least 1.`);
    }
    const hasHeadSize = arch['attention.key_length'] !== undefined;
    if (!hasHeadSize && nEmbd % h !== 0) fail(path, `"${key('attention.head_count')}" is ${h}; it must divide "${key('embedding_length')}" (${nEmbd}).`);
  }
}
