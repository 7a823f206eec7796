import type { IdentifyParams } from '../src/protocol/results.ts';
import type { NeuronRef } from '../src/protocol/webviewMessages.ts';

/** What the panel keeps across hide/show and reloads (vscode.getState/setState). */
export interface PanelState {
  version: 1;
  selected: NeuronRef[];
  /** Hidden rather than visible, so that languages new to a result start visible. */
  hiddenLanguages: string[];
  /** Slider positions the user asked for; only shown again while that request is running. */
  params: IdentifyParams | null;
}

export const EMPTY_PANEL_STATE: PanelState = { version: 1, selected: [], hiddenLanguages: [], params: null };

const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isRate = (v: unknown): v is number => typeof v === 'number' && v > 0 && v < 1;

/** getState returns whatever an older build stored, so every field is checked. */
export function readPanelState(value: unknown): PanelState {
  if (typeof value !== 'object' || value === null) return EMPTY_PANEL_STATE;
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return EMPTY_PANEL_STATE;
  const selected = Array.isArray(v.selected)
    ? v.selected.filter((r): r is NeuronRef => typeof r === 'object' && r !== null && isIndex((r as NeuronRef).layer) && isIndex((r as NeuronRef).index))
    : [];
  const hidden = Array.isArray(v.hiddenLanguages) ? v.hiddenLanguages.filter((l): l is string => typeof l === 'string') : [];
  const p = v.params as Record<string, unknown> | null | undefined;
  const params = p && isRate(p.topRate) && isRate(p.filterRate) && isRate(p.activationBarRatio)
    ? { topRate: p.topRate, filterRate: p.filterRate, activationBarRatio: p.activationBarRatio }
    : null;
  return { version: 1, selected: selected.map(({ layer, index }) => ({ layer, index })), hiddenLanguages: hidden, params };
}
