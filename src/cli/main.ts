#!/usr/bin/env node
import { createPipeline } from '../pipeline/index.ts';
import type { Pipeline } from '../pipeline/types.ts';
import { takeGpuOption, UsageError } from './cliArgs.ts';
import { detectCommand, detectHelp } from './commands/detect.ts';
import { identifyCommand, identifyHelp } from './commands/identify.ts';
import { pplCommand, pplHelp } from './commands/ppl.ts';
import { importCommand, importHelp } from './commands/importNeurons.ts';
import { exportCommand, exportHelp } from './commands/exportNeurons.ts';
import { mergeCommand, mergeHelp } from './commands/merge.ts';
import { infoCommand, infoHelp } from './commands/info.ts';
import { generateCommand, generateHelp } from './commands/generate.ts';
import { demoCommand, demoHelp } from './commands/demo.ts';
import { fetchCommand, fetchHelp } from './commands/fetch.ts';
import { writeReport } from '../report/writeReport.ts';
import { printWarning } from './output.ts';

type Run = (pipeline: Pipeline, argv: string[], signal: AbortSignal) => Promise<void>;

const COMMANDS: Record<string, { run: Run; help: string }> = {
  detect: { run: detectCommand, help: detectHelp },
  identify: { run: (p, a) => identifyCommand(p, a), help: identifyHelp },
  ppl: { run: pplCommand, help: pplHelp },
  import: { run: (_p, a) => importCommand(a), help: importHelp },
  export: { run: (p, a) => exportCommand(p, a), help: exportHelp },
  merge: { run: (p, a) => mergeCommand(p, a), help: mergeHelp },
  info: { run: infoCommand, help: infoHelp },
  generate: { run: generateCommand, help: generateHelp },
  demo: { run: demoCommand, help: demoHelp },
  fetch: { run: fetchCommand, help: fetchHelp },
};

/** The commands that run a model, and so take --gpu. */
const MODEL_COMMANDS = new Set(['detect', 'ppl', 'info', 'generate', 'demo']);

const GPU_HELP = `
  --gpu auto|cuda|vulkan|metal|cpu  the llama.cpp build (default: $LAPE_GPU, else auto). auto tests a
  GPU build in a child process first and runs on the CPU, with a warning, when it fails.`;

const USAGE = `lape: language-specific neurons (LAPE) of GGUF models

Commands:
${Object.values(COMMANDS).map((c) => `  ${c.help.split('\n')[0]}`).join('\n')}

Run \`lape COMMAND --help\` for details. Every command takes --json for machine-readable output;
${[...MODEL_COMMANDS].join(', ')} also take --gpu auto|cuda|vulkan|metal|cpu.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`lape: unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(MODEL_COMMANDS.has(name) ? `${command.help}${GPU_HELP}` : command.help);
    return 0;
  }
  let args: ReturnType<typeof takeGpuOption>;
  try {
    // Other commands load no model; for them --gpu stays in and is refused as unknown.
    args = MODEL_COMMANDS.has(name) ? takeGpuOption(rest) : { rest };
  } catch (err) {
    console.error(`lape ${name}: ${(err as Error).message}`);
    return 2;
  }
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nCancelling (finished languages are kept; press Ctrl+C again to quit now)...\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  // Results folders carry report.html; from a source checkout without a built webview the
  // pipeline notes its absence instead of failing the run.
  // The engine's own warnings (a GPU build that failed its self-test) are printed once, also with --json.
  const pipeline = createPipeline({ writeReport, gpu: args.gpu, onWarning: printWarning });
  try {
    await command.run(pipeline, args.rest, controller.signal);
    return 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof UsageError) {
      console.error(`lape ${name}: ${e.message}`);
      return 2;
    }
    if (e.code === 'aborted') {
      console.error(`lape ${name}: cancelled.`);
      return 130;
    }
    console.error(`lape ${name}: ${e.message}`);
    if (process.env.LAPE_DEBUG) console.error(e.stack);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    pipeline.dispose();
  }
}

process.exitCode = await main(process.argv.slice(2));
