import { h } from './dom.ts';

export interface LegendItem {
  label: string;
  color: string;
  /** 'line' for a dashed threshold line, 'box' for a filled series. */
  kind?: 'box' | 'line';
}

/**
 * An HTML legend rather than Chart.js's canvas one: screen readers can read it, tests can
 * query it, and it wraps with the page instead of eating chart height.
 */
export function renderLegend(list: HTMLUListElement, items: readonly LegendItem[]): void {
  list.replaceChildren(
    ...items.map((item) => {
      const swatch = h('span', { class: item.kind === 'line' ? 'swatch swatch-line' : 'swatch', 'aria-hidden': 'true' });
      // CSSOM, not a style attribute: the CSP allows no inline styles.
      if (item.kind === 'line') swatch.style.borderColor = item.color;
      else swatch.style.backgroundColor = item.color;
      return h('li', { class: 'legend-item', 'data-label': item.label }, swatch, item.label);
    }),
  );
}
