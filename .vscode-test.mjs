// @vscode/test-cli: `npx vscode-test` runs the integration suites (mocha, tdd ui) in a real
// VS Code. Build them first: node --import tsx test/integration/build.ts && node esbuild.mjs
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'integration',
  files: 'out/integration/*.itest.cjs',
  workspaceFolder: 'out/integration/workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 60_000 },
});
