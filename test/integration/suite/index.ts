// Entry for @vscode/test-electron's extensionTestsPath (and a code-server driver): runs
// every suite in order and rejects on the first failure. No mocha needed.
import { run as extension } from './extension.itest.ts';

export async function run(): Promise<void> {
  await extension();
}
