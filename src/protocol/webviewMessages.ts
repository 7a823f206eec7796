/**
 * The contract between the LAPE panel's webview (webview/panel.ts) and the extension host.
 *
 * Handshake: the webview posts `ready` once its script runs; the host answers with `init`,
 * which carries everything the panel shows. The panel never asks for its html again: on a
 * reload it restores its own view state (getState) and sends `ready` once more.
 *
 * Plain data only: both the extension host and the browser bundle import this file.
 */
import type { IdentifyParams, ResultsView } from './results.ts';

/** One FFN neuron: `index` within layer `layer`'s intermediate units. */
export interface NeuronRef {
  layer: number;
  index: number;
}

/** The charts that can be exported as PNG; the two `study` ones only show when the results folder holds a steering study. */
export const CHART_IDS = ['perLayer', 'lapeHistogram', 'activation', 'overlap', 'perplexity', 'studySuccess', 'studyTradeoff'] as const;
export type ChartId = (typeof CHART_IDS)[number];

/** What the panel needs to know about the host besides the results. */
export interface PanelUiState {
  /** False when no activation statistics are at hand, so the sliders are read-only. */
  canIdentify: boolean;
  /** An identification is running (for example one the panel asked for before a reload). */
  busy: boolean;
  /** Shown in the panel's header, e.g. the results folder name. */
  title?: string;
}

// ---- host → webview ----

/** Host → webview: the answer to `ready`, the whole state of the panel. */
export interface InitMessage {
  type: 'init';
  view: ResultsView;
  ui: PanelUiState;
}

/** Host → webview: new results, after re-identification with other parameters. */
export interface ResultsMessage {
  type: 'results';
  view: ResultsView;
  /** Echoes `IdentifyMessage.requestId`, so the panel can ignore answers it no longer waits for. */
  requestId?: number;
}

/** Host → webview: select and show one neuron (e.g. picked in the tree view). */
export interface RevealNeuronMessage extends NeuronRef {
  type: 'revealNeuron';
}

/** Host → webview: a long operation started or ended outside the panel's own requests. */
export interface BusyMessage {
  type: 'busy';
  busy: boolean;
  message?: string;
}

/** Host → webview: an operation the panel asked for failed; ends the busy state. */
export interface ErrorMessage {
  type: 'error';
  message: string;
  requestId?: number;
}

export type ToWebview = InitMessage | ResultsMessage | RevealNeuronMessage | BusyMessage | ErrorMessage;

// ---- webview → host ----

/** Webview → host: the script is running; send `init`. */
export interface ReadyMessage {
  type: 'ready';
}

/**
 * Webview → host: identify again with these parameters (debounced slider moves). A newer
 * request supersedes older ones, so the host may abort those.
 */
export interface IdentifyMessage {
  type: 'identify';
  params: IdentifyParams;
  requestId: number;
}

/** Webview → host: the languages the user keeps visible, in `languages` order. */
export interface FilterLanguagesMessage {
  type: 'filterLanguages';
  languages: string[];
}

/** Webview → host: show this neuron in the neurons tree. */
export interface RevealInTreeMessage extends NeuronRef {
  type: 'revealInTree';
}

/** Webview → host: save a chart; `dataUrl` is a `data:image/png;base64,` URL. */
export interface ExportPngMessage {
  type: 'exportPng';
  chart: ChartId;
  dataUrl: string;
}

export type FromWebview = ReadyMessage | IdentifyMessage | FilterLanguagesMessage | RevealInTreeMessage | ExportPngMessage;

/** For the default branch of an exhaustive `switch (message.type)`. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isRate = (v: unknown): v is number => typeof v === 'number' && v > 0 && v < 1;

/**
 * Checks a message that came from the webview. The host treats the webview as untrusted
 * input, so anything malformed yields undefined instead of reaching a handler.
 */
export function parseFromWebview(value: unknown): FromWebview | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'identify': {
      const p = value.params;
      if (!isRecord(p) || !isRate(p.topRate) || !isRate(p.filterRate) || !isRate(p.activationBarRatio)) return undefined;
      if (!isIndex(value.requestId)) return undefined;
      return { type: 'identify', requestId: value.requestId, params: { topRate: p.topRate, filterRate: p.filterRate, activationBarRatio: p.activationBarRatio } };
    }
    case 'filterLanguages': {
      const langs = value.languages;
      if (!Array.isArray(langs) || !langs.every((l) => typeof l === 'string')) return undefined;
      return { type: 'filterLanguages', languages: [...langs] };
    }
    case 'revealInTree':
      return isIndex(value.layer) && isIndex(value.index) ? { type: 'revealInTree', layer: value.layer, index: value.index } : undefined;
    case 'exportPng': {
      const chart = CHART_IDS.find((id) => id === value.chart);
      const url = value.dataUrl;
      if (chart === undefined || typeof url !== 'string' || !url.startsWith('data:image/png;base64,')) return undefined;
      return { type: 'exportPng', chart, dataUrl: url };
    }
    default:
      return undefined;
  }
}
