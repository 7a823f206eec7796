import type { SelectedNeuron } from '../protocol/results.ts';
import { languageName } from './languageName.ts';
import type { ResultsEntry } from './ResultsStore.ts';

export type Grouping = 'layer' | 'language';

/** Model → Layers → Language → Neurons, or Model → Language → Layers → Neurons. */
export type NeuronNode = ModelNode | LayerNode | LanguageNode | NeuronLeaf;

export interface ModelNode { kind: 'model'; dir: string }
/** `language` is set when the layer sits under a language (language grouping). */
export interface LayerNode { kind: 'layer'; dir: string; layer: number; language?: number }
/** `layer` is set when the language sits under a layer (layer grouping). */
export interface LanguageNode { kind: 'language'; dir: string; language: number; layer?: number }
export interface NeuronLeaf { kind: 'neuron'; dir: string; layer: number; index: number; language: number }

/** What the vscode TreeItem is made of; `tooltip` is Markdown. */
export interface NodeDescription {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  contextValue: NeuronNode['kind'];
  expandable: boolean;
}

/** A neuron with the language it was reached through, as steering and copy need it. */
export interface NeuronRefWithLanguage { layer: number; index: number; language: string; neuron: SelectedNeuron }

const fmt = (x: number, digits = 3): string => x.toFixed(digits);

/**
 * The data behind the neuron explorer: node structure, labels and tooltips, computed from
 * the loaded results. vscode-free, so the tree's content is unit-tested; NeuronTreeProvider
 * only turns NodeDescriptions into TreeItems.
 */
export class NeuronTreeModel {
  grouping: Grouping = 'layer';
  private readonly entries: () => ResultsEntry[];
  private readonly details = new WeakMap<object, Map<string, SelectedNeuron>>();

  constructor(entries: () => ResultsEntry[]) {
    this.entries = entries;
  }

  roots(): ModelNode[] {
    return this.entries().map((e) => ({ kind: 'model', dir: e.dir }));
  }

  children(node: NeuronNode): NeuronNode[] {
    const entry = this.entry(node.dir);
    if (!entry) return [];
    const { summary, neurons } = entry.view;
    const layers = [...Array(summary.model.nLayer).keys()];
    const languages = [...summary.languages.keys()];
    const { dir } = node;
    switch (node.kind) {
      case 'model':
        return this.grouping === 'layer'
          ? layers.map((layer) => ({ kind: 'layer', dir, layer }))
          : languages.map((language) => ({ kind: 'language', dir, language }));
      case 'layer':
        if (node.language !== undefined) return this.leaves(dir, node.layer, node.language);
        return languages.filter((l) => (neurons.neurons[l][node.layer] ?? []).length > 0)
          .map((language) => ({ kind: 'language', dir, language, layer: node.layer }));
      case 'language':
        if (node.layer !== undefined) return this.leaves(dir, node.layer, node.language);
        return layers.filter((layer) => (neurons.neurons[node.language][layer] ?? []).length > 0)
          .map((layer) => ({ kind: 'layer', dir, layer, language: node.language }));
      case 'neuron':
        return [];
    }
  }

  parent(node: NeuronNode): NeuronNode | undefined {
    const { dir } = node;
    switch (node.kind) {
      case 'model':
        return undefined;
      case 'layer':
        return node.language === undefined ? { kind: 'model', dir } : { kind: 'language', dir, language: node.language };
      case 'language':
        return node.layer === undefined ? { kind: 'model', dir } : { kind: 'layer', dir, layer: node.layer };
      case 'neuron':
        return this.grouping === 'layer'
          ? { kind: 'language', dir, language: node.language, layer: node.layer }
          : { kind: 'layer', dir, layer: node.layer, language: node.language };
    }
  }

  /** The leaf of a neuron, under the first language it belongs to; undefined if it was not selected. */
  findNeuron(dir: string, layer: number, index: number): NeuronLeaf | undefined {
    const neuron = this.detail(dir, layer, index);
    if (!neuron || neuron.langs.length === 0) return undefined;
    return { kind: 'neuron', dir, layer, index, language: neuron.langs[0] };
  }

  /** Every neuron below a node, with the language it was reached through. */
  neuronsOf(node: NeuronNode): NeuronRefWithLanguage[] {
    const entry = this.entry(node.dir);
    if (!entry) return [];
    const { languages } = entry.view.summary;
    const out: NeuronRefWithLanguage[] = [];
    const visit = (n: NeuronNode): void => {
      if (n.kind !== 'neuron') {
        this.children(n).forEach(visit);
        return;
      }
      const neuron = this.detail(n.dir, n.layer, n.index);
      if (neuron) out.push({ layer: n.layer, index: n.index, language: languages[n.language], neuron });
    };
    visit(node);
    return out;
  }

  /** The language code a node is about, if it is about one. */
  languageOf(node: NeuronNode): string | undefined {
    if (node.kind === 'model' || (node.kind === 'layer' && node.language === undefined)) return undefined;
    return this.entry(node.dir)?.view.summary.languages[node.language as number];
  }

  describe(node: NeuronNode): NodeDescription {
    const entry = this.entry(node.dir);
    if (!entry) return { id: `${node.dir}|gone`, label: node.dir, description: '', tooltip: '', contextValue: node.kind, expandable: false };
    const { summary, neurons } = entry.view;
    const code = (l: number): string => summary.languages[l];
    const base = { contextValue: node.kind, id: `${this.grouping}|${node.dir}` };
    switch (node.kind) {
      case 'model': {
        const total = neurons.selected.length;
        const m = summary.model;
        return {
          ...base, label: m.fileName, expandable: true,
          description: `${summary.languages.length} languages · ${total} neurons`,
          tooltip: [`**${m.fileName}**`, `${m.architecture}, ${m.nLayer} layers × ${m.nFf} FFN neurons`,
            `Corpus: ${summary.corpus.label} · languages: ${summary.languages.join(', ')}`,
            `top_rate ${summary.params.topRate} · filter_rate ${summary.params.filterRate} · activation_bar_ratio ${summary.params.activationBarRatio}`,
            `Created ${summary.createdAt} by ${summary.tool}`, `\`${node.dir}\``].join('\n\n'),
        };
      }
      case 'layer': {
        const id = `${base.id}|L${node.layer}|${node.language ?? ''}`;
        if (node.language !== undefined) {
          const count = neurons.neurons[node.language][node.layer]?.length ?? 0;
          return { ...base, id, label: `Layer ${node.layer}`, description: `${count}`, tooltip: `${count} ${code(node.language)} neurons in layer ${node.layer}`, expandable: count > 0 };
        }
        const counts = summary.languages.map((c, l) => [c, neurons.neurons[l][node.layer]?.length ?? 0] as const).filter(([, n]) => n > 0);
        return {
          ...base, id, label: `Layer ${node.layer}`, expandable: counts.length > 0,
          description: counts.length > 0 ? counts.map(([c, n]) => `${c} ${n}`).join(' · ') : '—',
          tooltip: counts.length > 0 ? counts.map(([c, n]) => `${languageName(c)} (${c}): ${n}`).join('\n\n') : 'No language-specific neurons in this layer',
        };
      }
      case 'language': {
        const id = `${base.id}|${node.layer ?? ''}|lang${node.language}`;
        const ids = node.layer === undefined ? neurons.neurons[node.language].flat() : (neurons.neurons[node.language][node.layer] ?? []);
        const where = node.layer === undefined ? '' : ` in layer ${node.layer}`;
        return {
          ...base, id, label: code(node.language), expandable: ids.length > 0,
          description: `${languageName(code(node.language))} · ${ids.length}`,
          tooltip: `${ids.length} ${languageName(code(node.language))} (${code(node.language)}) neurons${where}`,
        };
      }
      case 'neuron': {
        const neuron = this.detail(node.dir, node.layer, node.index);
        const id = `${base.id}|L${node.layer}|lang${node.language}|n${node.index}`;
        if (!neuron) return { ...base, id, label: `${node.index}`, description: '', tooltip: '', expandable: false };
        const rows = summary.languages.map((c, l) => {
          const mark = neuron.langs.includes(l) ? `**${c}**` : c;
          return `| ${mark} | ${fmt(neuron.probs[l])} | ${fmt(neuron.means[l])} |`;
        });
        return {
          ...base, id, label: `${node.index}`, description: `LAPE ${fmt(neuron.lape)}`, expandable: false,
          tooltip: [`**Layer ${node.layer}, neuron ${node.index}**`, `LAPE ${fmt(neuron.lape, 4)} · belongs to ${neuron.langs.map(code).join(', ')}`,
            ['| language | P(active) | mean activation |', '|---|---:|---:|', ...rows].join('\n')].join('\n\n'),
        };
      }
    }
  }

  private entry(dir: string): ResultsEntry | undefined {
    return this.entries().find((e) => e.dir === dir);
  }

  private leaves(dir: string, layer: number, language: number): NeuronLeaf[] {
    const ids = this.entry(dir)?.view.neurons.neurons[language][layer] ?? [];
    return ids.map((index) => ({ kind: 'neuron', dir, layer, index, language }));
  }

  private detail(dir: string, layer: number, index: number): SelectedNeuron | undefined {
    const entry = this.entry(dir);
    if (!entry) return undefined;
    let map = this.details.get(entry.view.neurons);
    if (!map) {
      map = new Map(entry.view.neurons.selected.map((n) => [`${n.layer}:${n.index}`, n]));
      this.details.set(entry.view.neurons, map);
    }
    return map.get(`${layer}:${index}`);
  }
}
