/**
 * What the report and the LAPE panel draw of a steering study (scripts/steering-study/run.ts)
 * that was run on a results folder: the study writes its whole record as
 * `<results>/steering-study.json`, and src/pipeline/steeringStudyFile.ts reads the part below
 * out of it. Plain data only, like results.ts.
 */

/** The study's record in a results folder (the same JSON as its --out file). */
export const STEERING_STUDY_FILE = 'steering-study.json';

export interface SteeringStudyMethod {
  name: string;
  /** 'unsteered' (the reference), 'prompting' or 'steer'. */
  kind: string;
}

/** One method's figures over all targets, as the study's acceptance reads them. */
export interface SteeringStudyMethodSummary {
  method: string;
  /** Mean over targets of (success − unsteered success), in points (0..100). */
  meanGain: number;
  /** Targets whose gain reaches `acceptance.gainPoints`. */
  targetsMeetingGain: number;
  /** Worst target's perplexity of the steered continuations ÷ unsteered, scored on their own; null where some target had no text. */
  worstFluencyRatio: number | null;
  /** The same, scored after their prompt (which also charges the switch of language). */
  worstInContextRatio: number | null;
  meetsAcceptance: boolean;
}

export interface SteeringStudyView {
  /** The language identifier that judged every continuation, and the languages it chose among. */
  identifier: { name: string; version: string; among: string[] };
  settings: {
    model: string;
    seed: number;
    /** The language the prompts are in. */
    source: string;
    neutralPrompts: number;
    mvicunaPrompts: number;
    /** Tokens generated per continuation. */
    maxTokens: number;
    /** The llama.cpp build it ran on ('cpu', 'cuda', ...), when recorded. */
    build?: string;
  };
  targets: string[];
  /** In the study's order; the first is normally 'unsteered'. */
  methods: SteeringStudyMethod[];
  /** [method][target], in `methods` and `targets` order: share of continuations identified as the target (0..1); null where not measured. */
  success: (number | null)[][];
  /** Every method but the unsteered reference. */
  summaries: SteeringStudyMethodSummary[];
  acceptance: { gainPoints: number; targets: number; fluencyFactor: number };
  /** The study's verdict sentence, as its Markdown table ends. */
  verdict: string;
  /** The method the verdict names, or null when no method stays fluent. */
  best: string | null;
  /** False for a run cut short: `methodsDone` of `methods.length` were measured. */
  complete: boolean;
  methodsDone: number;
}
