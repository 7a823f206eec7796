import type { Page } from 'playwright-core';

export interface CanvasProbe {
  width: number;
  height: number;
  /** Distinct RGB colours on a sampling grid: 1 means a blank (single-colour) canvas. */
  colors: number;
  /** The top-left pixel: the painted background. */
  corner: [number, number, number, number];
}

/** Reads a canvas's pixels in the page. */
export function probeCanvas(page: Page, selector: string): Promise<CanvasProbe> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(sel);
    if (canvas === null) throw new Error(`no canvas ${sel}`);
    const ctx = canvas.getContext('2d');
    if (ctx === null || canvas.width === 0 || canvas.height === 0) return { width: canvas.width, height: canvas.height, colors: 0, corner: [0, 0, 0, 0] as [number, number, number, number] };
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 3) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return { width: canvas.width, height: canvas.height, colors: seen.size, corner: [data[0], data[1], data[2], data[3]] as [number, number, number, number] };
  }, selector);
}

export function legendLabels(page: Page, chart: string): Promise<string[]> {
  return page.$$eval(`#card-${chart} .legend-item`, (items) => items.map((i) => i.getAttribute('data-label') ?? ''));
}

/** A matrix card's accessible data tables, as text rows. */
export function tableRows(page: Page, chart: string): Promise<string[][][]> {
  return page.$$eval(`#card-${chart} .data-table table`, (tables) =>
    tables.map((t) => [...t.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? ''))),
  );
}
