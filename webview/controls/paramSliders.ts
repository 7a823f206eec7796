import type { IdentifyParams } from '../../src/protocol/results.ts';
import { h } from '../dom.ts';
import { formatPercent } from '../format.ts';

interface SliderSpec {
  key: keyof IdentifyParams;
  label: string;
  hint: string;
  min: number;
  max: number;
  step: number;
  format(value: number): string;
}

const SLIDERS: readonly SliderSpec[] = [
  { key: 'topRate', label: 'top_rate', hint: 'Share of all neurons selected, lowest LAPE first', min: 0.001, max: 0.05, step: 0.001, format: (v) => formatPercent(v, 1) },
  { key: 'filterRate', label: 'filter_rate', hint: 'Quantile of all activation probabilities a neuron must pass for some language', min: 0.5, max: 0.999, step: 0.001, format: (v) => v.toFixed(3) },
  { key: 'activationBarRatio', label: 'activation_bar_ratio', hint: 'Quantile a language’s probability must pass for the neuron to belong to it', min: 0.5, max: 0.999, step: 0.001, format: (v) => v.toFixed(3) },
];

/** Decimal places of a step, so 0.001 steps give "0.011" and not 0.011000000000000001. */
const decimals = (step: number): number => Math.max(0, -Math.floor(Math.log10(step)));

/**
 * The three identification parameters as native range inputs: VS Code Elements has no
 * slider, and a native range is keyboard-accessible (arrows, Page Up/Down, Home/End) for free.
 */
export class ParamSliders {
  readonly root: HTMLElement;
  private readonly inputs = new Map<keyof IdentifyParams, { input: HTMLInputElement; output: HTMLOutputElement; spec: SliderSpec }>();

  constructor(onInput: (params: IdentifyParams) => void) {
    this.root = h('div', { class: 'sliders', role: 'group', 'aria-label': 'Identification parameters' });
    for (const spec of SLIDERS) {
      const id = `slider-${spec.key}`;
      const input = h('input', { type: 'range', id, min: String(spec.min), max: String(spec.max), step: String(spec.step), 'aria-describedby': `${id}-hint`, 'data-param': spec.key });
      const output = h('output', { for: id, class: 'slider-value' });
      input.addEventListener('input', () => {
        this.showValue(spec.key);
        onInput(this.value);
      });
      this.inputs.set(spec.key, { input, output, spec });
      this.root.append(
        h('div', { class: 'slider' }, h('label', { for: id }, h('code', {}, spec.label)), output, input, h('span', { id: `${id}-hint`, class: 'sr-only' }, spec.hint)),
      );
    }
  }

  get value(): IdentifyParams {
    const read = (key: keyof IdentifyParams): number => {
      const { input, spec } = this.inputs.get(key)!;
      return Number(input.valueAsNumber.toFixed(decimals(spec.step)));
    };
    return { topRate: read('topRate'), filterRate: read('filterRate'), activationBarRatio: read('activationBarRatio') };
  }

  set(params: IdentifyParams): void {
    for (const [key, { input }] of this.inputs) {
      input.value = String(params[key]);
      this.showValue(key);
    }
  }

  /** In the report nothing can re-identify, so the sliders only show the values used. */
  setReadOnly(readOnly: boolean): void {
    for (const { input } of this.inputs.values()) input.disabled = readOnly;
    this.root.classList.toggle('read-only', readOnly);
  }

  private showValue(key: keyof IdentifyParams): void {
    const { input, output, spec } = this.inputs.get(key)!;
    const text = spec.format(input.valueAsNumber);
    output.textContent = text;
    input.setAttribute('aria-valuetext', text);
  }
}
