import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertNever, CHART_IDS, parseFromWebview, type FromWebview, type ToWebview } from '../../src/protocol/webviewMessages.ts';
import { EMPTY_PANEL_STATE, readPanelState } from '../../webview/viewState.ts';

describe('webview messages', () => {
  it('accepts every well-formed message from the webview', () => {
    const valid: FromWebview[] = [
      { type: 'ready' },
      { type: 'identify', requestId: 7, params: { topRate: 0.02, filterRate: 0.9, activationBarRatio: 0.95 } },
      { type: 'filterLanguages', languages: ['en', 'zh'] },
      { type: 'revealInTree', layer: 3, index: 1024 },
      { type: 'exportPng', chart: 'overlap', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' },
    ];
    for (const m of valid) assert.deepEqual(parseFromWebview(m), m);
  });

  it('drops malformed or unknown messages and extra fields', () => {
    const invalid: unknown[] = [
      null,
      'ready',
      { type: 'nope' },
      { type: 'identify', requestId: 1, params: { topRate: 0, filterRate: 0.9, activationBarRatio: 0.9 } },
      { type: 'identify', requestId: -1, params: { topRate: 0.01, filterRate: 0.9, activationBarRatio: 0.9 } },
      { type: 'identify', params: { topRate: 0.01, filterRate: 0.9, activationBarRatio: 0.9 } },
      { type: 'filterLanguages', languages: ['en', 3] },
      { type: 'revealInTree', layer: 1.5, index: 2 },
      { type: 'exportPng', chart: 'pie', dataUrl: 'data:image/png;base64,AA' },
      { type: 'exportPng', chart: 'overlap', dataUrl: 'https://example.com/x.png' },
    ];
    for (const m of invalid) assert.equal(parseFromWebview(m), undefined, JSON.stringify(m));
    assert.deepEqual(parseFromWebview({ type: 'revealInTree', layer: 1, index: 2, extra: true }), { type: 'revealInTree', layer: 1, index: 2 });
  });

  it('lets a host switch exhaustively, with assertNever for the impossible case', () => {
    const handle = (m: ToWebview): string => {
      switch (m.type) {
        case 'init':
        case 'results':
        case 'revealNeuron':
        case 'busy':
        case 'error':
          return m.type;
        default:
          return assertNever(m);
      }
    };
    assert.equal(handle({ type: 'busy', busy: true }), 'busy');
    assert.throws(() => handle({ type: 'bogus' } as unknown as ToWebview), /Unexpected message: \{"type":"bogus"\}/);
    assert.deepEqual([...CHART_IDS], ['perLayer', 'lapeHistogram', 'activation', 'overlap', 'perplexity', 'studySuccess', 'studyTradeoff']);
  });

  it('reads saved panel state defensively', () => {
    assert.deepEqual(readPanelState(undefined), EMPTY_PANEL_STATE);
    assert.deepEqual(readPanelState({ version: 2 }), EMPTY_PANEL_STATE);
    const state = readPanelState({
      version: 1,
      selected: [{ layer: 1, index: 2, junk: 1 }, { layer: -1, index: 0 }, 'x'],
      hiddenLanguages: ['zh', 5],
      params: { topRate: 0.02, filterRate: 0.9, activationBarRatio: 0.95 },
    });
    assert.deepEqual(state, { version: 1, selected: [{ layer: 1, index: 2 }], hiddenLanguages: ['zh'], params: { topRate: 0.02, filterRate: 0.9, activationBarRatio: 0.95 } });
    assert.equal(readPanelState({ version: 1, params: { topRate: 2 } }).params, null);
  });
});
