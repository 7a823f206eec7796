// Phase "itest": the extension's own integration suite (test/integration, built by its
// build.ts) inside code-server's real extension host. The smoke-test driver takes
// extensionDevelopmentPath/extensionTestsPath from the URL's payload, as
// @vscode/test-electron's runTests does on a desktop, and hands the suite's exit code to
// window.codeAutomationExit.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { e2eEnv, NOT_IN_HARNESS } from './support/e2eEnv.ts';
import { Workbench } from './support/Workbench.ts';

const env = e2eEnv();
const MINUTE = 60_000;
let wb: Workbench | undefined;

after(async () => { await wb?.close(); });

test('the integration suite passes in code-server\'s extension host', { skip: env === undefined ? NOT_IN_HARNESS : false, timeout: 6 * MINUTE }, async () => {
  const e = env!;
  const tests = join(e.root, 'out', 'integration', 'index.cjs');
  const workspace = join(e.root, 'out', 'integration', 'workspace');
  assert.ok(existsSync(tests), `${tests} is built (node --import tsx test/integration/build.ts)`);
  const remote = (path: string) => `vscode-remote://${new URL(e.url).host}${path}`;
  const lines: string[] = [];
  let exit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => { exit = resolve; });
  wb = await Workbench.open(e, {
    folder: workspace,
    waitForExtension: false,
    query: { payload: JSON.stringify([['extensionDevelopmentPath', remote(e.root)], ['extensionTestsPath', remote(tests)]]) },
    beforeLoad: async (page) => {
      await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
      page.on('console', (m) => {
        const text = m.text();
        // Extension-host output arrives as "%c INFO color: … ok - suite: check".
        const result = /\b((?:not )?ok - .*)/s.exec(text);
        if (result) lines.push(result[1].slice(0, 500));
        else if (/AssertionError|Error: .*itest/.test(text)) lines.push(text.slice(0, 500));
      });
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<string>((r) => { timer = setTimeout(() => r('timeout'), 4 * MINUTE); })]);
  clearTimeout(timer);
  for (const line of lines) console.log(`  [extension host] ${line}`);
  const last = lines.filter((l) => l.startsWith('ok - ')).at(-1);
  assert.notEqual(code, 'timeout', `the suite did not finish in 4 minutes; it hangs in the check after "${last ?? '(none passed)'}"`);
  assert.equal(code, 0, `the suite's exit code (${lines.filter((l) => l.startsWith('not ok')).join('; ') || 'see the lines above'})`);
});
