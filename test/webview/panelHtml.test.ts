import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeInlineCode, inlineJson } from '../../src/report/htmlEscape.ts';
import { panelHtml } from '../../src/report/panelHtml.ts';
import { reportHtml } from '../../src/report/reportHtml.ts';
import { makeFixture } from '../fixtures/results/makeFixture.ts';

describe('panelHtml', () => {
  const html = panelHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abc123XYZ',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/lape.css',
  });

  it('has a strict CSP: sources only from the webview, scripts only with the nonce', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    const src = 'https://file+.vscode-resource.vscode-cdn.net';
    assert.equal(csp, `default-src 'none'; img-src ${src} data:; style-src ${src}; script-src 'nonce-abc123XYZ'; font-src ${src}`);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|<style/);
    assert.match(html, /<script nonce="abc123XYZ" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/panel\.js"><\/script>/);
    assert.match(html, /<div id="lape-root"><\/div>/);
  });

  it('links codicons only when given', () => {
    assert.doesNotMatch(html, /codicon/);
    const withIcons = panelHtml({ cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 'c', codiconsUri: 'i.css?a=1&b=2' });
    assert.match(withIcons, /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="i\.css\?a=1&amp;b=2">/);
  });
});

describe('report html escaping', () => {
  it('keeps inline code and data from closing their elements', () => {
    assert.equal(escapeInlineCode('a("</script>")', 'script'), 'a("<\\/script>")');
    assert.equal(escapeInlineCode('x</STYLE', 'style'), 'x<\\/STYLE');
    const json = inlineJson({ text: '</script><!-- \u2028' });
    assert.doesNotMatch(json, /<|\u2028/);
    assert.deepEqual(JSON.parse(json), { text: '</script><!-- \u2028' });
  });

  it('puts data that looks like markup into the report as data', () => {
    const view = makeFixture();
    view.summary.model.fileName = '<img src=x onerror=alert(1)>.gguf';
    const html = reportHtml({ view, script: 'console.log(1)\n//# sourceMappingURL=report.js.map', style: 'body{}', nonce: 'N' });
    assert.doesNotMatch(html, /<img/);
    assert.doesNotMatch(html, /sourceMappingURL/);
    assert.match(html, /<title>Language-specific neurons: &lt;img src=x onerror=alert\(1\)&gt;\.gguf<\/title>/);
  });
});
