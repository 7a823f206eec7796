import { escapeHtml } from './htmlEscape.ts';

export interface HtmlPageParts {
  /** Content-Security-Policy directives, joined with '; '. */
  csp: readonly string[];
  /** What follows the shared head lines (stylesheets, title), indented by the caller. */
  head: string;
  /** Attributes of <body>, e.g. ` class="x"` (with its leading space). */
  bodyAttributes?: string;
  body: string;
}

/**
 * The skeleton that the LAPE panel and report.html share: the CSP meta comes first in the
 * head, before anything it governs, and the empty icon stops the page asking for a favicon
 * (which a strict CSP would refuse, with a console error).
 */
export function htmlPage(parts: HtmlPageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(parts.csp.join('; '))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="icon" href="data:,">
${parts.head}
  </head>
  <body${parts.bodyAttributes ?? ''}>
${parts.body}
  </body>
</html>
`;
}
