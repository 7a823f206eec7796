/** Colour arithmetic for heatmaps: theme colours arrive as CSS strings and are mixed here. */

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/**
 * Parses the colour forms VS Code themes use (#rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba()).
 * Returns undefined for anything else (named colours, color-mix) so callers can fall back.
 */
export function parseColor(text: string): Rgba | undefined {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s);
  if (hex) {
    let h = hex[1];
    if (h.length === 3 || h.length === 4) h = [...h].map((c) => c + c).join('');
    if (h.length !== 6 && h.length !== 8) return undefined;
    const n = (i: number): number => parseInt(h.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: h.length === 8 ? n(6) / 255 : 1 };
  }
  const fn = /^rgba?\(([^)]*)\)$/.exec(s);
  if (fn) {
    const parts = fn[1].split(/[\s,/]+/).filter(Boolean);
    if (parts.length < 3) return undefined;
    const channel = (p: string): number => (p.endsWith('%') ? (parseFloat(p) * 255) / 100 : parseFloat(p));
    const alpha = parts[3] === undefined ? 1 : parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
    const [r, g, b] = parts.slice(0, 3).map(channel);
    if ([r, g, b, alpha].some((v) => Number.isNaN(v))) return undefined;
    return { r, g, b, a: clamp01(alpha) };
  }
  return undefined;
}

export function toCss(c: Rgba): string {
  const r = Math.round(c.r);
  const g = Math.round(c.g);
  const b = Math.round(c.b);
  return c.a >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${Number(c.a.toFixed(3))})`;
}

/** Linear mix: t = 0 gives `from`, t = 1 gives `to`. */
export function mix(from: Rgba, to: Rgba, t: number): Rgba {
  const u = clamp01(t);
  return { r: from.r + (to.r - from.r) * u, g: from.g + (to.g - from.g) * u, b: from.b + (to.b - from.b) * u, a: from.a + (to.a - from.a) * u };
}

/** Paints a translucent colour over an opaque one: what the eye sees on the canvas. */
export function flatten(c: Rgba, over: Rgba): Rgba {
  return { ...mix(over, { ...c, a: 1 }, c.a), a: 1 };
}

export function withAlpha(c: Rgba, a: number): Rgba {
  return { ...c, a: clamp01(a) };
}

/** WCAG relative luminance. */
export function luminance(c: Rgba): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

export function contrastRatio(a: Rgba, b: Rgba): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Whichever candidate reads best on `background`; cells of a heatmap use it for their numbers. */
export function bestContrast(background: Rgba, candidates: readonly Rgba[]): Rgba {
  let best = candidates[0];
  for (const c of candidates) if (contrastRatio(background, c) > contrastRatio(background, best)) best = c;
  return best;
}
