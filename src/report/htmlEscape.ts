/**
 * Text for HTML content and double-quoted attribute values (the only kind written here), so
 * the quotes of a CSP stay readable in the source.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/**
 * Makes text safe inside an inline <script> or <style>: the HTML parser ends those elements
 * at the first `</script` or `</style`, whatever the JavaScript or CSS around it means.
 */
export function escapeInlineCode(code: string, element: 'script' | 'style'): string {
  return code.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a <script type="application/json"> block; `<` cannot close the element once escaped. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
