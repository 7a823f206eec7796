import type { SelectedNeuron } from '../../src/protocol/results.ts';
import type { NeuronRef } from '../../src/protocol/webviewMessages.ts';
import { h } from '../dom.ts';
import { neuronLabel } from '../format.ts';

const key = (r: NeuronRef): string => `${r.layer}:${r.index}`;

/**
 * The selected neurons as a native multi-select listbox, lowest LAPE first. A native
 * listbox brings keyboard selection (arrows, Shift/Ctrl) and screen reader support.
 */
export class NeuronList {
  readonly root: HTMLElement;
  readonly select: HTMLSelectElement;
  private readonly count: HTMLElement;

  constructor(onChange: (selected: NeuronRef[]) => void) {
    this.select = h('select', { multiple: true, size: '12', class: 'neuron-list', id: 'neuron-list', 'aria-describedby': 'neuron-list-count' });
    this.count = h('span', { id: 'neuron-list-count', class: 'control-hint' });
    this.select.addEventListener('change', () => onChange(this.selected()));
    this.root = h('div', { class: 'neuron-picker' }, h('label', { for: 'neuron-list', class: 'control-label' }, 'Neurons'), this.count, this.select);
  }

  setNeurons(neurons: readonly SelectedNeuron[], languages: readonly string[], selected: readonly NeuronRef[]): void {
    const chosen = new Set(selected.map(key));
    this.select.replaceChildren(
      ...neurons.map((n) => {
        const langs = n.langs.map((l) => languages[l]).join(' ');
        const option = h('option', { value: key(n) }, `${neuronLabel(n.layer, n.index).padEnd(10, '\u00a0')} ${langs.padEnd(6, '\u00a0')} ${n.lape.toFixed(3)}`);
        option.selected = chosen.has(key(n));
        return option;
      }),
    );
    this.count.textContent = `${neurons.length} shown, lowest LAPE first`;
  }

  selected(): NeuronRef[] {
    return [...this.select.selectedOptions].map((o) => {
      const [layer, index] = o.value.split(':').map(Number);
      return { layer, index };
    });
  }

  /** Selects one neuron and scrolls to it, as `revealNeuron` asks. False if it is not listed. */
  reveal(ref: NeuronRef): boolean {
    const option = [...this.select.options].find((o) => o.value === key(ref));
    if (option === undefined) return false;
    for (const o of this.select.options) o.selected = o === option;
    option.scrollIntoView({ block: 'nearest' });
    return true;
  }
}
