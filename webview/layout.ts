import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { IdentifyParams } from '../src/protocol/results.ts';
import type { ChartId, NeuronRef } from '../src/protocol/webviewMessages.ts';
import { ChartCard, type ChartCardOptions } from './chartCard.ts';
import type { ChartCards } from './chartsRenderer.ts';
import { LanguageFilter } from './controls/languageFilter.ts';
import { NeuronList } from './controls/neuronList.ts';
import { ParamSliders } from './controls/paramSliders.ts';
import { h } from './dom.ts';
import { SteeringStudySection } from './steeringStudySection.ts';

export interface LayoutHandlers {
  params(params: IdentifyParams): void;
  hiddenLanguages(hidden: string[]): void;
  selection(selected: NeuronRef[]): void;
  exportPng(id: ChartId): void;
  /** Absent where there is no tree to reveal in (the report). */
  revealInTree?: () => void;
}

export interface Layout {
  title: HTMLElement;
  meta: HTMLElement;
  main: HTMLElement;
  busy: HTMLElement;
  status: HTMLElement;
  error: HTMLElement;
  sliderNote: HTMLElement;
  sliders: ParamSliders;
  filter: LanguageFilter;
  neuronList: NeuronList;
  cards: ChartCards;
  /** Hidden unless the results carry a steering study. */
  study: SteeringStudySection;
}

type CardSpec = Omit<ChartCardOptions, 'onExport'>;

const CARDS: readonly CardSpec[] = [
  { id: 'perLayer', title: 'Language-specific neurons per layer', note: 'How many of each language’s neurons sit in each layer, stacked. A neuron shared by two languages counts for both.', kind: 'chart' },
  { id: 'lapeHistogram', title: 'LAPE of the neurons that passed the filter', note: 'Low entropy means a neuron fires for few languages. The top_rate share of all neurons with the lowest LAPE is selected.', kind: 'chart' },
  { id: 'overlap', title: 'Language overlap', note: 'Neurons two languages share; the diagonal is each language’s total. Colour: share of the smaller set.', kind: 'matrix' },
  { id: 'activation', title: 'Activation probability per language', note: 'How often the chosen neurons fire on each language’s text. Outlined bars: languages the neuron belongs to.', kind: 'chart' },
  { id: 'perplexity', title: 'Perplexity change when neurons are deactivated', note: 'Rows: the language whose neurons were deactivated; columns: the language evaluated. Right: as many random neurons, as a baseline.', kind: 'matrix' },
];

/** The steering study's cards (scripts/steering-study), under their own section heading. */
const STUDY_CARDS: readonly CardSpec[] = [
  {
    id: 'studySuccess', title: 'Success per method and target', kind: 'matrix', level: 3,
    note: 'Share of continuations that the language identifier put in the target language. Unsteered is the reference the gains are measured from.',
  },
  {
    id: 'studyTradeoff', title: 'Gain against fluency', kind: 'chart', level: 3, tableDisclosure: 'Figures per method',
    note: 'Each steering method’s mean gain over unsteered (points, over all targets) against its fluency: the perplexity of its continuations under the unsteered model, as a multiple of the unsteered continuations’, for its worst target. Up and to the left is better.',
  },
];

/** Builds the panel's DOM once; later renders only change what is inside it. */
export function buildLayout(root: HTMLElement, on: LayoutHandlers): Layout {
  const cards = Object.fromEntries([...CARDS, ...STUDY_CARDS].map((c) => [c.id, new ChartCard({ ...c, onExport: on.exportPng })])) as ChartCards;
  const study = new SteeringStudySection(cards.studySuccess, cards.studyTradeoff);
  const sliders = new ParamSliders(on.params);
  const filter = new LanguageFilter(on.hiddenLanguages);
  const neuronList = new NeuronList(on.selection);
  const title = h('h1', {}, 'Language-specific neurons');
  const meta = h('p', { class: 'meta' });
  const busy = h('vscode-progress-bar', { class: 'busy', indeterminate: true, 'aria-label': 'Identifying neurons', hidden: true });
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const error = h('div', { class: 'error', role: 'alert', hidden: true });
  const sliderNote = h('p', { class: 'control-hint slider-note' });

  cards.activation.aside.append(neuronList.root);
  if (on.revealInTree) {
    const reveal = h('vscode-button', { secondary: true, class: 'reveal', 'aria-label': 'Reveal the first selected neuron in the neurons tree' }, 'Reveal in tree');
    reveal.addEventListener('click', on.revealInTree);
    cards.activation.aside.append(reveal);
  }

  const main = h(
    'main',
    { class: 'lape' },
    busy,
    h('header', { class: 'page-header' }, title, meta),
    error,
    h('section', { class: 'controls', 'aria-label': 'Controls' }, h('div', { class: 'control-block' }, sliders.root, sliderNote), h('div', { class: 'control-block' }, filter.root, status)),
    h('div', { class: 'cards' }, ...CARDS.map((c) => cards[c.id].root)),
    study.root,
  );
  root.replaceChildren(main);
  return { title, meta, main, busy, status, error, sliderNote, sliders, filter, neuronList, cards, study };
}
