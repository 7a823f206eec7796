import { EngineError, abortError } from './errors.ts';
import type { LlamaApi } from './native/llamaApi.ts';
import type { EngineContext } from './EngineContext.ts';
import type { Hooks } from './hooks/HookDispatcher.ts';
import { hooksKey } from './hooks/hooksKey.ts';

export interface GenerateOptions {
  maxTokens?: number;
  /** 0 (default) is greedy decoding. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** 1 disables it. */
  repeatPenalty?: number;
  repeatLastN?: number;
  seed?: number;
  stop?: string[];
  hooks?: Hooks;
  /**
   * Which forward passes `hooks` apply to: 'all' (default); 'prompt', the prompt's positions
   * but its last; 'generated', the positions whose outputs are sampled (the prompt's last
   * position, which yields the first token, and every generated token).
   */
  hookPositions?: HookPositions;
  /**
   * Keep the part of the context's KV cache that the previous call left and that this
   * prompt shares (same leading tokens, computed under the same edits), and evaluate only
   * the rest: what ghost text needs between keystrokes. Default false, so that one-shot use
   * starts clean. Ignored when `hooks` record activations, since a recorder must see every
   * position.
   */
  reuseCache?: boolean;
  signal?: AbortSignal;
}

export type HookPositions = 'all' | 'prompt' | 'generated';

export interface GeneratedChunk {
  token: number;
  /** The text this token completes; empty while a UTF-8 character is still partial. */
  text: string;
}

export type StopReason = 'max-tokens' | 'end-of-generation' | 'stop-string' | 'context-full';

/**
 * Streams the continuation of `prompt`, one token at a time, through llama.cpp's sampler
 * chain. Between tokens it yields to the event loop, so an abort stops it within one
 * token. The hooks apply where `hookPositions` says: the prompt is then evaluated in two
 * decodes, its last token alone, so that the hooks switch between the two phases.
 */
export async function* generateText(
  api: LlamaApi,
  ctx: EngineContext,
  prompt: ArrayLike<number>,
  options: GenerateOptions = {},
): AsyncGenerator<GeneratedChunk, StopReason> {
  const { maxTokens = 64, signal, hooks, stop = [], hookPositions = 'all', reuseCache = false } = options;
  if (prompt.length === 0) throw new EngineError('bad-argument', 'The prompt has no tokens.');
  const sampler = buildSampler(api, ctx.nVocab, options);
  const model = ctx.model;
  const decoder = new TextDecoder('utf-8');
  let text = '';
  try {
    const head = prompt.length - 1;
    const headHooks = hookPositions === 'generated' ? undefined : hooks;
    const generatedHooks = hookPositions === 'prompt' ? undefined : hooks;
    // What the positions before the last must have been computed under to be reused. The
    // last is always decoded again, as its logits give the first token. Where hookPositions
    // tells the two apart, the previous call's last prompt token and its generated ones were
    // computed under generatedHooks, so they are kept only if that is the same.
    const headKey = hooksKey(headHooks);
    const recording = hooks?.recorder !== undefined || hooks?.residualRecorder !== undefined;
    const start = reuseCache && !recording ? ctx.keepPrefix(prompt, headKey, head) : (ctx.clear(), 0);
    const rest = (from: number, to = prompt.length) => Array.prototype.slice.call(prompt, from, to) as number[];
    if (hookPositions === 'all') ctx.decode(start === 0 ? prompt : rest(start), start, { outputs: 'last', hooks, signal });
    else {
      if (start < head) ctx.decode(rest(start, head), start, { outputs: 'last', logits: false, hooks: headHooks, signal });
      ctx.decode([prompt[head]], head, { outputs: 'last', hooks: generatedHooks, signal });
    }
    let pos = prompt.length;
    for (let i = 0; i < maxTokens; i++) {
      if (signal?.aborted) throw abortError(signal);
      const token = api.llama_sampler_sample(sampler, ctx.nativeHandle, -1) as number;
      if (model.isEndOfGeneration(token)) return 'end-of-generation';
      const piece = decoder.decode(model.tokenBytes(token), { stream: true });
      text += piece;
      yield { token, text: piece };
      if (stop.some((s) => s.length > 0 && text.endsWith(s))) return 'stop-string';
      if (pos >= ctx.contextSize) return 'context-full';
      // The last token is not decoded: its forward pass would only feed a token never sampled.
      if (i + 1 === maxTokens) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw abortError(signal);
      ctx.decode([token], pos, { outputs: 'last', hooks: generatedHooks, signal });
      pos++;
    }
    return 'max-tokens';
  } finally {
    api.llama_sampler_free(sampler);
  }
}

function buildSampler(api: LlamaApi, nVocab: number, o: GenerateOptions): unknown {
  const chain = api.llama_sampler_chain_init(api.llama_sampler_chain_default_params());
  const add = (s: unknown) => api.llama_sampler_chain_add(chain, s);
  const penalty = o.repeatPenalty ?? 1;
  if (penalty !== 1) add(api.llama_sampler_init_penalties(nVocab, o.repeatLastN ?? 64, penalty, 0, 0));
  if (!o.temperature || o.temperature <= 0) {
    add(api.llama_sampler_init_greedy());
    return chain;
  }
  if (o.topK && o.topK > 0) add(api.llama_sampler_init_top_k(o.topK));
  if (o.topP !== undefined && o.topP < 1) add(api.llama_sampler_init_top_p(o.topP, 1));
  add(api.llama_sampler_init_temp(o.temperature));
  add(api.llama_sampler_init_dist((o.seed ?? 0xffffffff) >>> 0));
  return chain;
}
