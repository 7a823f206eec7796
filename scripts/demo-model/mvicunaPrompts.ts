// The acceptance prompts for steering: the first questions of each language's file in
// ../shared/reference/mvicuna, each ending in a newline so the model answers on a new line.
// The acceptance test and steeringCheck.ts must pick exactly the same ones.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MVICUNA_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'reference', 'mvicuna');

export function mvicunaPrompts(languages: readonly string[], perLanguage: number): { lang: string; text: string }[] {
  if (!existsSync(MVICUNA_DIR)) throw new Error(`${MVICUNA_DIR} is missing: ../shared/reference is laid beside the checkout`);
  return languages.flatMap((lang) =>
    readFileSync(join(MVICUNA_DIR, `${lang}.txt`), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.length > 10).slice(0, perLanguage).map((text) => ({ lang, text: `${text}\n` })),
  );
}
