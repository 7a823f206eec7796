import { readNeuronPth } from '../../lape/formats/pth.ts';
import { distinctNeuronCount } from '../../lape/neuronSets.ts';
import { PAPER_LANGUAGES } from '../../protocol/paperLanguages.ts';
import { parse, UsageError } from '../cliArgs.ts';
import { printJson, table } from '../output.ts';

export const importHelp = `lape import FILE.pth [--json]
  Reads a neuron file of the reference project (torch.save of neuron[lang][layer]).
  --json prints {"neurons": [[[...]]], "languages": [...], "distinct": N}.`;

export async function importCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse('import', argv, {});
  if (positionals.length !== 1) throw new UsageError('Give one .pth file: lape import FILE.pth.');
  const neurons = readNeuronPth(positionals[0]);
  // The reference files list languages in this order; files of 6 lists stop before ja.
  const languages = PAPER_LANGUAGES.slice(0, neurons.length);
  const distinct = distinctNeuronCount(neurons);
  if (values.json) {
    printJson({ neurons, languages, distinct });
    return;
  }
  console.log(`${positionals[0]}: ${neurons.length} languages, ${neurons[0]?.length ?? 0} layers, ${distinct} distinct neurons`);
  console.log(table([['lang', 'neurons'], ...neurons.map((n, i) => [languages[i] ?? `#${i}`, n.reduce((a, l) => a + l.length, 0)])]));
}
