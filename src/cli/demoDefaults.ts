import { isBuiltinModel } from '../protocol/modelCatalogue.ts';

/**
 * What `lape demo` runs per model. Gemma 3 270M: the handbook corpus (UDHR gives only 2–3k
 * of its tokens per language), 5,000 detection tokens per language as the issue asks, and a
 * held-out budget chosen so the whole demo fits 10 minutes on 2 cores (README, "Performance").
 * The built-in model keeps its UDHR settings.
 */
export interface DemoSettings {
  corpus: 'udhr' | 'handbook';
  budget: number;
  evalBudget: number;
  sequenceLength: number;
  prompt: string;
  maxTokens: number;
}

export const DEFAULT_DEMO_MODEL = 'gemma-3-270m';

export function demoSettings(model: string): DemoSettings {
  if (isBuiltinModel(model)) {
    return { corpus: 'udhr', budget: 12_000, evalBudget: 2_000, sequenceLength: 256, prompt: 'Article 1. ', maxTokens: 48 };
  }
  return { corpus: 'handbook', budget: 5_000, evalBudget: 1_024, sequenceLength: 512, prompt: 'Q: What are the benefits of regular exercise?\nA:', maxTokens: 40 };
}
