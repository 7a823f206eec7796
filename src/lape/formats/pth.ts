import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { LapeError } from '../lapeError.ts';
import type { NeuronSets } from '../neuronSets.ts';
import { readTorchArchive } from './readTorchArchive.ts';
import { encodeTorchArchive } from './encodeTorchArchive.ts';
import { isTorchTensor, torchTensor } from './torchTensor.ts';

/**
 * The reference project's neuron files: torch.save of List[List[LongTensor]],
 * `neuron[lang][layer]` = neuron indices. The list can be shorter than the languages
 * studied (the reference drops trailing languages without neurons); callers pad with
 * padNeuronSets where they know the language count.
 */
export function parseNeuronPth(bytes: Uint8Array, fileName: string): NeuronSets {
  const value = readTorchArchive(bytes, fileName);
  const bad = (what: string): never => {
    throw new LapeError('corrupt', `not a neuron file: ${what} (expected a list of lists of 1-D integer tensors)`, fileName);
  };
  if (!Array.isArray(value)) bad('the top level is not a list');
  const langs = value as unknown[];
  const nLayer = Array.isArray(langs[0]) ? langs[0].length : 0;
  return langs.map((layers, l) => {
    if (!Array.isArray(layers)) bad(`language ${l} is not a list`);
    if ((layers as unknown[]).length !== nLayer) bad(`language ${l} has ${(layers as unknown[]).length} layers, language 0 has ${nLayer}`);
    return (layers as unknown[]).map((t, layer) => {
      if (!isTorchTensor(t)) return bad(`language ${l} layer ${layer} is not a tensor`);
      if (t.shape.length !== 1) bad(`language ${l} layer ${layer} has shape [${t.shape}]`);
      if (!['int64', 'int32', 'int16', 'int8', 'uint8'].includes(t.dtype)) bad(`language ${l} layer ${layer} has dtype ${t.dtype}`);
      for (const x of t.values) if (x < 0) bad(`language ${l} layer ${layer} has a negative index ${x}`);
      return Array.from(t.values);
    });
  });
}

export function readNeuronPth(path: string): NeuronSets {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new LapeError('not-found', `cannot read: ${(e as Error).message}`, path, { cause: e });
  }
  return parseNeuronPth(bytes, path);
}

/** Encodes neuron sets as torch.save would: int64 tensors, archive named after the file. */
export function encodeNeuronPth(neurons: NeuronSets, archiveName = 'archive'): Uint8Array {
  return encodeTorchArchive(
    neurons.map((layers) => layers.map((idx) => torchTensor('int64', [idx.length], idx))),
    archiveName,
  );
}

export function writeNeuronPth(path: string, neurons: NeuronSets): void {
  const stem = basename(path, extname(path)).replace(/[^A-Za-z0-9_.-]/g, '_') || 'archive';
  writeFileSync(path, encodeNeuronPth(neurons, stem));
}

/**
 * Appends empty languages so that every one of `nLang` languages has `nLayer` lists: the
 * files the reference wrote with bincount lack trailing languages that got no neurons.
 */
export function padNeuronSets(neurons: NeuronSets, nLang: number): NeuronSets {
  if (neurons.length > nLang) throw new LapeError('language-mismatch', `${neurons.length} neuron lists for ${nLang} languages`);
  const nLayer = neurons[0]?.length ?? 0;
  const out = neurons.slice();
  while (out.length < nLang) out.push(Array.from({ length: nLayer }, () => []));
  return out;
}
