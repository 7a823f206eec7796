import type { GenerateRequest } from './pipelineTypes.ts';
import type { ResultsView } from './results.ts';
import type { SteeringMethod, SteeringSpec } from './steering.ts';

/**
 * How an editor completion becomes a generate request, shared by the extension's inline
 * completion provider and the tests that check steering on the same path: the text
 * before the cursor (cut to its last `maxPrefixChars`, at a line start when possible),
 * the text after it for models with fill-in-the-middle tokens, greedy decoding, and a
 * stop at the end of the paragraph so that ghost text stays short.
 */
export interface CompletionSettings {
  maxTokens: number;
  maxPrefixChars: number;
  maxSuffixChars: number;
}

export const DEFAULT_COMPLETION_SETTINGS: CompletionSettings = { maxTokens: 32, maxPrefixChars: 2000, maxSuffixChars: 500 };

/** "Force output language": the analysis process builds the steering from the method's recipe. */
export interface CompletionForce {
  language: string;
  method: SteeringMethod;
}

export interface CompletionInput {
  model: string;
  resultsDir?: string;
  prefix: string;
  suffix: string;
  /** A steering set composed by hand; ignored when `force` is given. */
  steering?: SteeringSpec;
  force?: CompletionForce;
  settings?: Partial<CompletionSettings>;
}

export type CompletionRequest = Omit<GenerateRequest, 'signal' | 'onText'>;

export function completionRequest(input: CompletionInput): CompletionRequest {
  const s = { ...DEFAULT_COMPLETION_SETTINGS, ...input.settings };
  let prefix = input.prefix.slice(-s.maxPrefixChars);
  if (prefix.length < input.prefix.length) {
    const nl = prefix.indexOf('\n');
    if (nl >= 0 && nl < prefix.length - 1) prefix = prefix.slice(nl + 1);
  }
  const suffix = input.suffix.slice(0, s.maxSuffixChars);
  const steered = input.force !== undefined || input.steering !== undefined;
  return {
    model: input.model,
    resultsDir: steered ? input.resultsDir : undefined,
    prompt: prefix,
    suffix: suffix.trim() ? suffix : undefined,
    ...(input.force ? { force: input.force.language, method: input.force.method } : { steering: input.steering }),
    maxTokens: s.maxTokens,
    temperature: 0,
    stop: ['\n\n'],
    // Consecutive keystrokes share all but the end of the prompt.
    reuseCache: true,
  };
}

/** Ghost text is the continuation up to the stop string, without it. */
export function trimCompletion(text: string): string {
  const cut = text.indexOf('\n\n');
  return cut >= 0 ? text.slice(0, cut) : text;
}

/** What, besides the prompt, a cached completion depends on. */
export interface CompletionContextInput {
  /** The request without its prompt and suffix (those are the cache's own key parts). */
  request: Omit<CompletionRequest, 'prompt' | 'suffix'>;
  /** resultsIdentity() of the folder the steering reads, when steered. */
  resultsIdentity?: string;
  /** Anything else that changes the answer: GPU layers, context size. */
  extra?: Record<string, unknown>;
}

/**
 * The cache key's context: the steering set's contents (force and method, or the spec), the
 * results' identity (so re-identifying into the same folder is a new key) and the model
 * settings. Key order does not matter: equal inputs give equal strings.
 */
export function completionContext(input: CompletionContextInput): string {
  return stableJson({ request: input.request, results: input.request.resultsDir === undefined ? undefined : input.resultsIdentity ?? null, extra: input.extra ?? {} });
}

/**
 * Which detection a results folder holds: when it was written plus a hash of its neuron
 * sets (languages, neurons, means), so that re-identifying into the same folder, or
 * re-detecting there, gives a new identity even within the same second.
 */
export function resultsIdentity(view: ResultsView): string {
  const known = identities.get(view);
  if (known !== undefined) return known;
  const id = `${view.summary.createdAt}#${fnv1a(JSON.stringify(view.neurons))}`;
  identities.set(view, id);
  return id;
}

const identities = new WeakMap<ResultsView, string>();

/** Two 32-bit FNV-1a lanes (different offsets) of a string's UTF-16 code units, as hex: pure and fast. */
function fnv1a(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}
