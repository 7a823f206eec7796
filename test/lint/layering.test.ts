import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// Each import rule of eslint.config.mjs, tried on small in-memory files placed (by name only)
// in the folder the rule covers: the banned import must be reported, and the allowed ones in
// the same folder must not be, so a rule that never fires (or fires on everything) fails here.
const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

async function assertBanned(filePath: string, specifier: string, why: RegExp): Promise<void> {
  for (const source of [`import { x } from '${specifier}';\nexport { x };\n`, `import type { X } from '${specifier}';\nexport type { X };\n`, `export * from '${specifier}';\n`]) {
    const messages = await restrictedImports(filePath, source);
    assert.equal(messages.length, 1, `${filePath} importing ${specifier} (${source.split(' ')[0]}…) should be refused, got ${JSON.stringify(messages)}`);
    assert.match(messages[0], why);
  }
}

async function assertAllowed(filePath: string, specifier: string): Promise<void> {
  assert.deepEqual(await restrictedImports(filePath, `import { x } from '${specifier}';\nexport { x };\n`), [], `${filePath} may import ${specifier}`);
}

test('no folder but src/extension imports vscode, the pipeline included', async () => {
  for (const folder of ['src/engine', 'src/lape', 'src/lape/formats', 'src/corpus', 'src/gguf', 'src/pipeline', 'src/analysis', 'src/cli', 'src/protocol', 'src/report', 'webview']) {
    await assertBanned(`${folder}/probe.ts`, 'vscode', /Only src\/extension may import vscode/);
  }
  await assertAllowed('src/extension/probe.ts', 'vscode');
});

test('the extension imports only protocol, report and its own helpers', async () => {
  for (const folder of ['engine', 'pipeline', 'lape', 'corpus', 'gguf', 'analysis', 'cli']) {
    await assertBanned('src/extension/probe.ts', `../${folder}/index.ts`, new RegExp(`reaches src/${folder} through the analysis process`));
    await assertBanned('src/extension/completion/probe.ts', `../../${folder}/thing.ts`, /imports only src\/protocol, src\/report/);
  }
  await assertAllowed('src/extension/probe.ts', '../protocol/analysisProtocol.ts');
  await assertAllowed('src/extension/probe.ts', '../report/panelHtml.ts');
  await assertAllowed('src/extension/probe.ts', './AnalysisClient.ts');
  // What the extension host loads must obey the same bans.
  await assertBanned('src/report/probe.ts', '../pipeline/index.ts', /through the analysis process/);
  await assertBanned('webview/probe.ts', '../src/engine/index.ts', /through the analysis process/);
  await assertAllowed('webview/probe.ts', '../src/protocol/webviewMessages.ts');
});

test('protocol is the bottom layer: it imports no other src folder', async () => {
  for (const folder of ['pipeline', 'engine', 'lape', 'corpus', 'analysis', 'extension']) {
    await assertBanned('src/protocol/probe.ts', `../${folder}/types.ts`, new RegExp(`imports none of them \\(src/${folder}\\)`));
  }
  await assertAllowed('src/protocol/probe.ts', './results.ts');
  await assertAllowed('src/protocol/probe.ts', 'vscode-jsonrpc');
  await assertAllowed('src/pipeline/probe.ts', '../protocol/pipelineTypes.ts');
});

test('only the extension host imports src/extension', async () => {
  for (const folder of ['src/engine', 'src/cli', 'src/pipeline', 'src/analysis', 'src/lape']) {
    await assertBanned(`${folder}/probe.ts`, '../extension/ModelState.ts', /Only the extension host imports src\/extension/);
  }
});

test('src/lape is pure: only src/lape/formats/ touches the file system', async () => {
  for (const fs of ['node:fs', 'fs', 'node:fs/promises', 'fs/promises']) {
    await assertBanned('src/lape/probe.ts', fs, /only src\/lape\/formats\/ reads and writes files/);
    await assertAllowed('src/lape/formats/probe.ts', fs);
  }
  await assertAllowed('src/lape/probe.ts', './lapeError.ts');
});
