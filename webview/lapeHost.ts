import type { IdentifyParams } from '../src/protocol/results.ts';
import type { ChartId, NeuronRef } from '../src/protocol/webviewMessages.ts';
import type { PanelState } from './viewState.ts';

/**
 * What the view needs from where it runs: the VS Code panel posts messages to the
 * extension, the standalone report downloads files and has nothing to re-identify with.
 */
export interface LapeHost {
  /** False in the report: there is no model process and no tree. */
  readonly interactive: boolean;
  identify(params: IdentifyParams, requestId: number): void;
  filterLanguages(visible: string[]): void;
  revealInTree(neuron: NeuronRef): void;
  exportPng(chart: ChartId, dataUrl: string): void;
  saveState(state: PanelState): void;
}
