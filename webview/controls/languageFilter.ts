import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox-group/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import { h } from '../dom.ts';

/** One checkbox per language; unchecked languages disappear from every chart. */
export class LanguageFilter {
  readonly root: HTMLElement;
  private readonly group: HTMLElement;
  private boxes: VscodeCheckbox[] = [];

  constructor(private readonly onChange: (hidden: string[]) => void) {
    this.group = h('vscode-checkbox-group', { variant: 'horizontal', 'aria-label': 'Languages shown' });
    this.root = h('div', { class: 'language-filter', role: 'group', 'aria-labelledby': 'language-filter-label' }, h('span', { id: 'language-filter-label', class: 'control-label' }, 'Languages'), this.group);
  }

  /** Rebuilds the boxes only when the languages change, so focus survives new results. */
  setLanguages(languages: readonly string[], colors: readonly string[], hidden: ReadonlySet<string>): void {
    const same = this.boxes.length === languages.length && this.boxes.every((b, i) => b.value === languages[i]);
    if (!same) {
      this.boxes = languages.map((lang) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        const box = h('vscode-checkbox', { value: lang, 'data-lang': lang }, swatch, lang);
        box.addEventListener('change', () => this.onChange(this.hidden()));
        return box;
      });
      this.group.replaceChildren(...this.boxes);
    }
    this.boxes.forEach((box, i) => {
      box.checked = !hidden.has(languages[i]);
      const swatch = box.querySelector<HTMLElement>('.swatch');
      if (swatch) swatch.style.backgroundColor = colors[i];
    });
  }

  hidden(): string[] {
    return this.boxes.filter((b) => !b.checked).map((b) => b.value);
  }
}
