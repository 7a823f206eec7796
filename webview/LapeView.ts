import type { IdentifyParams, ResultsView, SelectedNeuron } from '../src/protocol/results.ts';
import { assertNever, type NeuronRef, type PanelUiState, type ToWebview } from '../src/protocol/webviewMessages.ts';
import type { ChartInput } from './charts/chartInput.ts';
import { ChartsRenderer } from './chartsRenderer.ts';
import { debounce } from './debounce.ts';
import { formatCount, formatPercent, neuronLabel } from './format.ts';
import type { LapeHost } from './lapeHost.ts';
import { buildLayout, type Layout } from './layout.ts';
import { languageColor, readTheme } from './theme.ts';
import type { PanelState } from './viewState.ts';

/** Slider moves closer together than this make one request. */
export const IDENTIFY_DEBOUNCE_MS = 250;

const sameRef = (a: NeuronRef, b: NeuronRef): boolean => a.layer === b.layer && a.index === b.index;
const sameParams = (a: IdentifyParams, b: IdentifyParams): boolean =>
  a.topRate === b.topRate && a.filterRate === b.filterRate && a.activationBarRatio === b.activationBarRatio;

/** The LAPE panel's browser side: the same for the VS Code panel and the HTML report. */
export class LapeView {
  private view: ResultsView | undefined;
  private ui: PanelUiState = { canIdentify: false, busy: false };
  private pendingRequest: number | undefined;
  // Time-based, so ids keep increasing across reloads and the host's stale answers stay recognisable.
  private nextRequestId = Date.now();
  private readonly layout: Layout;
  private readonly renderer: ChartsRenderer;
  private readonly themeObserver: MutationObserver;
  private readonly identifyLater = debounce((params: IdentifyParams) => this.identify(params), IDENTIFY_DEBOUNCE_MS);

  constructor(root: HTMLElement, private readonly host: LapeHost, private state: PanelState) {
    this.layout = buildLayout(root, {
      params: (params) => {
        this.state = { ...this.state, params };
        this.host.saveState(this.state);
        this.identifyLater(params);
      },
      hiddenLanguages: (hidden) => this.setHidden(hidden),
      selection: (selected) => {
        this.state = { ...this.state, selected };
        this.host.saveState(this.state);
        this.renderActivation();
      },
      exportPng: (id) => this.host.exportPng(id, this.renderer.exportPng(id)),
      revealInTree: host.interactive ? () => this.revealFirstInTree() : undefined,
    });
    this.renderer = new ChartsRenderer(this.layout.cards, this.layout.study);
    // VS Code swaps body classes (vscode-light, vscode-dark, vscode-high-contrast) on a theme change.
    this.themeObserver = new MutationObserver(() => this.renderAll());
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** Host → webview messages, exhaustively. */
  handle(message: ToWebview): void {
    switch (message.type) {
      case 'init':
        return this.init(message.view, message.ui);
      case 'results':
        return this.results(message.view, message.requestId);
      case 'revealNeuron':
        return this.reveal({ layer: message.layer, index: message.index });
      case 'busy':
        return this.setBusy(message.busy, message.message);
      case 'error':
        return this.showError(message.message, message.requestId);
      default:
        return assertNever(message);
    }
  }

  init(view: ResultsView, ui: PanelUiState): void {
    this.ui = ui;
    this.view = view;
    this.layout.title.textContent = ui.title ? `Language-specific neurons: ${ui.title}` : `Language-specific neurons: ${view.summary.model.fileName}`;
    const interactive = this.host.interactive && ui.canIdentify;
    this.layout.sliders.setReadOnly(!interactive);
    this.layout.sliderNote.textContent = !this.host.interactive
      ? 'The values these results were identified with. The lape CLI identifies again with others.'
      : ui.canIdentify
        ? 'Moving a slider identifies the neurons again from the saved activation statistics.'
        : 'These results have no activation statistics, so the parameters cannot change here.';
    // Slider positions the user chose survive a reload only while their request is still running.
    const params = ui.busy && this.state.params ? this.state.params : view.summary.params;
    this.layout.sliders.set(params);
    this.setBusy(ui.busy);
    this.show(view);
  }

  results(view: ResultsView, requestId?: number): void {
    if (requestId !== undefined && this.pendingRequest !== undefined && requestId < this.pendingRequest) return;
    this.pendingRequest = undefined;
    this.view = view;
    this.layout.sliders.set(view.summary.params);
    this.state = { ...this.state, params: view.summary.params };
    this.setBusy(false);
    this.layout.error.hidden = true;
    this.show(view);
  }

  reveal(ref: NeuronRef): void {
    const view = this.view;
    const neuron = view?.neurons.selected.find((n) => sameRef(n, ref));
    if (view === undefined || neuron === undefined) {
      this.layout.status.textContent = `${neuronLabel(ref.layer, ref.index)} is not among the language-specific neurons of these results.`;
      return;
    }
    const langs = neuron.langs.map((l) => view.summary.languages[l]);
    if (langs.every((l) => this.state.hiddenLanguages.includes(l))) this.setHidden(this.state.hiddenLanguages.filter((l) => !langs.includes(l)));
    this.layout.neuronList.reveal(ref);
    this.state = { ...this.state, selected: [ref] };
    this.host.saveState(this.state);
    this.renderActivation();
    this.layout.cards.activation.root.scrollIntoView({ block: 'nearest' });
  }

  setBusy(busy: boolean, message?: string): void {
    this.layout.busy.hidden = !busy;
    this.layout.main.setAttribute('aria-busy', String(busy));
    this.layout.main.classList.toggle('is-busy', busy);
    this.layout.status.textContent = busy ? (message ?? 'Identifying language-specific neurons…') : this.summaryLine();
  }

  showError(message: string, requestId?: number): void {
    if (requestId === undefined || requestId === this.pendingRequest) {
      this.pendingRequest = undefined;
      this.setBusy(false);
    }
    this.layout.error.textContent = message;
    this.layout.error.hidden = false;
  }

  dispose(): void {
    this.identifyLater.cancel();
    this.themeObserver.disconnect();
    this.renderer.destroy();
  }

  private identify(params: IdentifyParams): void {
    if (this.view && !this.ui.busy && this.pendingRequest === undefined && sameParams(params, this.view.summary.params)) return;
    const requestId = this.nextRequestId++;
    this.pendingRequest = requestId;
    this.host.identify(params, requestId);
    this.setBusy(true, `Identifying with top_rate ${formatPercent(params.topRate)}, filter_rate ${params.filterRate}, activation_bar_ratio ${params.activationBarRatio}…`);
  }

  private setHidden(hidden: string[]): void {
    this.state = { ...this.state, hiddenLanguages: hidden };
    this.host.saveState(this.state);
    if (this.view) this.host.filterLanguages(this.view.summary.languages.filter((l) => !hidden.includes(l)));
    this.renderAll();
  }

  private show(view: ResultsView): void {
    const s = view.summary;
    this.layout.meta.textContent =
      `${s.model.architecture}, ${s.model.nLayer} layers × ${formatCount(s.model.nFf)} FFN neurons · ${s.corpus.label} · ` +
      `${formatCount(view.neurons.selected.length)} neurons selected (top_rate ${formatPercent(s.params.topRate)}) · ` +
      `filter p > ${s.thresholds.filter.toFixed(3)} · activation bar p > ${s.thresholds.activationBar.toFixed(3)}`;
    // Keep the chosen neurons that still exist; otherwise start with the most specific one.
    const exists = (r: NeuronRef): boolean => view.neurons.selected.some((n) => sameRef(n, r));
    let selected = this.state.selected.filter(exists);
    if (selected.length === 0) {
      const first = this.listedNeurons()[0];
      selected = first ? [{ layer: first.layer, index: first.index }] : [];
    }
    this.state = { ...this.state, selected };
    this.host.saveState(this.state);
    if (!this.layout.main.classList.contains('is-busy')) this.layout.status.textContent = this.summaryLine();
    this.renderAll();
  }

  private renderAll(): void {
    const input = this.chartInput();
    if (input === undefined) return;
    const { languages } = input.view.summary;
    this.layout.filter.setLanguages(languages, languages.map((_, i) => languageColor(input.theme, i)), new Set(this.state.hiddenLanguages));
    this.layout.neuronList.setNeurons(this.listedNeurons(), languages, this.state.selected);
    this.renderer.renderAll(input, this.selectedNeurons());
  }

  private renderActivation(): void {
    const input = this.chartInput();
    if (input) this.renderer.renderActivation(input, this.selectedNeurons());
  }

  private chartInput(): ChartInput | undefined {
    if (this.view === undefined) return undefined;
    const hidden = new Set(this.state.hiddenLanguages);
    return { view: this.view, theme: readTheme(), visible: this.view.summary.languages.map((l) => !hidden.has(l)) };
  }

  /** The list shows neurons of visible languages, most language-specific first. */
  private listedNeurons(): SelectedNeuron[] {
    if (this.view === undefined) return [];
    const hidden = new Set(this.state.hiddenLanguages);
    const langs = this.view.summary.languages;
    return this.view.neurons.selected.filter((n) => n.langs.some((l) => !hidden.has(langs[l]))).sort((a, b) => a.lape - b.lape || a.layer - b.layer || a.index - b.index);
  }

  private selectedNeurons(): SelectedNeuron[] {
    const all = this.view?.neurons.selected ?? [];
    return this.state.selected.flatMap((r) => all.filter((n) => sameRef(n, r)));
  }

  private revealFirstInTree(): void {
    const first = this.state.selected[0];
    if (first) this.host.revealInTree(first);
  }

  private summaryLine(): string {
    if (this.view === undefined) return '';
    const hidden = this.state.hiddenLanguages.length;
    return `${formatCount(this.view.neurons.selected.length)} language-specific neurons${hidden > 0 ? `, ${hidden} language${hidden > 1 ? 's' : ''} hidden` : ''}.`;
  }
}
