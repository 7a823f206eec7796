import type { GenerateRequest } from '../pipeline/types.ts';
import type { SteeringSpec } from './steering.ts';

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

export interface CompletionInput {
  model: string;
  resultsDir?: string;
  prefix: string;
  suffix: string;
  steering?: SteeringSpec;
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
  return {
    model: input.model,
    resultsDir: input.steering ? input.resultsDir : undefined,
    prompt: prefix,
    suffix: suffix.trim() ? suffix : undefined,
    steering: input.steering,
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
