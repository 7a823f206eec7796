import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SeededRandom } from '../../src/gguf/seededRandom.ts';

/**
 * The study's prompts. Two sets, because steering has two jobs: choosing a language where
 * the prompt gives no cue (neutral), and overriding the language the prompt is written in
 * (the paper's mvicuna questions, in English).
 */

/**
 * Openings with no language cue: digits, punctuation and markup only. Nothing here is a word
 * of any language, so whatever language the model continues in is its own choice.
 */
export const NEUTRAL_PROMPTS: readonly string[] = Object.freeze(['1.', '2019 –', '* ', '(a)', '#', '10:00', '"', '- 3.']);

/** The prompt format of the reference's generation.py: "Q: {question}\nA:", stopped at the next turn. */
export const QA_STOP: readonly string[] = Object.freeze(['\nQ:', '\nA:']);
export function qaPrompt(question: string, instruction = ''): string {
  return `Q: ${question}${instruction}\nA:`;
}

/** "Answer in X.", in English like the question, appended to it as generation.py appends its answer_lang. */
export function answerIn(languageName: string): string {
  return ` Answer in ${languageName}.`;
}

/**
 * A neutral opening has no question to append to, so the instruction goes on a line before it.
 * It is the only place where a neutral prompt carries words.
 */
export function neutralWithInstruction(prompt: string, languageName: string): string {
  return `Write in ${languageName}.\n${prompt}`;
}

/**
 * The paper's questions in `language`, read at run time from the shared reference folder and
 * never copied into the repository. The folder lies beside the checkout as ../shared.
 */
export function mvicunaPath(repoRoot: string, language: string): string {
  return resolve(repoRoot, '..', 'shared', 'reference', 'mvicuna', `${language}.txt`);
}

export function readMvicuna(repoRoot: string, language: string): string[] {
  const path = mvicunaPath(repoRoot, language);
  if (!existsSync(path)) {
    throw new Error(
      `The mvicuna questions are not at ${path}. They come from the reference project and are read from ../shared at run time; ` +
        'give the shared folder beside the checkout, or run with --neutral-only to use the neutral prompts alone.',
    );
  }
  return readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

/** `n` items of `items` in a seeded order (Fisher–Yates on a copy). */
export function seededSample<T>(items: readonly T[], n: number, seed: number): T[] {
  // The project's seeded generator, so the prompt sample is the same on every machine.
  const random = new SeededRandom(seed);
  const rnd = () => random.next();
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, Math.min(n, a.length));
}

export const repoRootOf = (scriptDir: string) => join(scriptDir, '..', '..');
