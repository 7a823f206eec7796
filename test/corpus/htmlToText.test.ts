import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntities, htmlToText } from '../../src/corpus/htmlToText.ts';

test('headings and paragraphs become lines; head, scripts and comments go', () => {
  const html = `<!doctype html>
<html lang="en"><head><title>Skip me</title><style>p { color: red }</style></head>
<body>
  <h1>Title</h1>
  <!-- a comment with <p>markup</p> -->
  <p data-x="a > b">First
     paragraph, wrapped.</p>
  <ol><li><p>Item <b>one</b></p></li><li>Item two</li></ol>
  <script>var x = "<p>no</p>";</script>
  <p>Last<br>line</p>
</body></html>`;
  assert.equal(htmlToText(html), 'Title\nFirst paragraph, wrapped.\nItem one\nItem two\nLast\nline');
});

test('entities are decoded after tags are removed', () => {
  assert.equal(htmlToText('<p>a &amp; b &lt;p&gt; &#x3C; &#60; &#x26; &quot;q&quot; &eacute-not &unknown;</p>'), 'a & b <p> < < & "q" &eacute-not &unknown;');
  assert.equal(decodeEntities('&#x1F600;&#0;&#xD800;'), '\u{1F600}\ufffd\ufffd');
});

test("the text's own spaces survive: no-break and ideographic spaces are not source formatting", () => {
  assert.equal(htmlToText('<p>droits\u00a0: oui</p><p>人人\u3000生而自由</p>'), 'droits\u00a0: oui\n人人\u3000生而自由');
});
