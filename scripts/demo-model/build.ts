// npm run build:demo-model: trains the demo model and writes models/demo/lape-demo.gguf and
// models/demo/model-card.json. Progress goes to stderr.
//
//   node --import tsx scripts/demo-model/build.ts [--out DIR] [--work DIR] [--threads N] [--set key=value ...]
//
// --set overrides a recipe value (for tuning), e.g. --set epochs=4 --set nFf=512.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeModelCard } from './modelCard.ts';
import { DEMO_RECIPE, buildDemoModel, type DemoRecipe } from './recipe.ts';

function applyOverrides(recipe: DemoRecipe, sets: string[]): DemoRecipe {
  const out: Record<string, unknown> = { ...recipe };
  for (const s of sets) {
    const eq = s.indexOf('=');
    const key = s.slice(0, eq);
    if (eq < 0 || !(key in out)) throw new Error(`--set ${s}: expected key=value with a key of the recipe (${Object.keys(out).join(', ')})`);
    const current = out[key];
    const value = s.slice(eq + 1);
    out[key] = typeof current === 'number' ? Number(value) : typeof current === 'boolean' ? value === 'true' : Array.isArray(current) ? value.split(',') : value;
    if (typeof current === 'number' && !Number.isFinite(out[key])) throw new Error(`--set ${s}: not a number`);
  }
  return out as unknown as DemoRecipe;
}

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join('models', 'demo') },
    work: { type: 'string', default: join('.cache', 'demo-model') },
    threads: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const recipe = applyOverrides(DEMO_RECIPE, values.set ?? []);
const threads = values.threads === undefined ? undefined : Number(values.threads);
const log = (line: string) => process.stderr.write(line + '\n');
const { modelPath, card } = await buildDemoModel(recipe, { outDir: values.out!, workDir: values.work!, threads, log });
writeModelCard(join(values.out!, 'model-card.json'), card);
log(`done in ${card.training.totalSeconds.toFixed(0)}s (training ${card.training.seconds.toFixed(0)}s): ${modelPath}`);
