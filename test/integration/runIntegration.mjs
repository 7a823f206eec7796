// Runs the integration suite in a real VS Code with @vscode/test-electron.
//   node --import tsx test/integration/build.ts && node esbuild.mjs && node test/integration/runIntegration.mjs
// VS Code comes from VSCODE_EXECUTABLE, or is downloaded. Where neither works (offline),
// this says so and exits 1, or 0 with --skip-if-unavailable: a skip, never a pass.
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const skipIfUnavailable = process.argv.includes('--skip-if-unavailable');

let testElectron;
try {
  testElectron = await import('@vscode/test-electron');
} catch (error) {
  unavailable(`@vscode/test-electron is not installed (${error.message})`);
}

let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
if (!vscodeExecutablePath) {
  try {
    vscodeExecutablePath = await testElectron.downloadAndUnzipVSCode(process.env.VSCODE_VERSION ?? 'stable');
  } catch (error) {
    unavailable(`VS Code could not be downloaded (${error.message}). Set VSCODE_EXECUTABLE to an installed VS Code to run the integration tests.`);
  }
}

const code = await testElectron.runTests({
  vscodeExecutablePath,
  extensionDevelopmentPath: root,
  extensionTestsPath: resolve(root, 'out/integration/index.cjs'),
  launchArgs: [resolve(root, 'out/integration/workspace'), '--disable-extensions', '--disable-workspace-trust'],
}).catch((error) => {
  console.error(`Integration tests failed: ${error.message ?? error}`);
  return 1;
});
process.exit(code);

function unavailable(reason) {
  console.log(`SKIPPED integration tests: ${reason}`);
  process.exit(skipIfUnavailable ? 0 : 1);
}
