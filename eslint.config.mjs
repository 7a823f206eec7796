import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layering of DESIGN.md ("Import rules"), enforced. Flat config replaces a rule's options
// instead of merging them, so each folder gets exactly one `no-restricted-imports` entry that
// lists everything it may not import. test/lint/layering.test.ts proves each ban fires.
const SRC_FOLDERS = ['engine', 'lape', 'corpus', 'gguf', 'pipeline', 'analysis', 'cli', 'extension', 'protocol', 'report'];

const noVscode = { name: 'vscode', message: 'Only src/extension may import vscode: move the VS Code part there and pass plain data in.' };
const noFs = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({
  name,
  message: 'src/lape is pure maths: only src/lape/formats/ reads and writes files. Put the I/O there and pass the data in.',
}));
const folderBan = (folder, message) => ({ group: [`**/${folder}`, `**/${folder}/**`], message });

const EXTENSION_MAY_NOT = ['engine', 'pipeline', 'lape', 'corpus', 'gguf', 'analysis', 'cli'];
const extensionBans = EXTENSION_MAY_NOT.map((f) => folderBan(f, `The extension host imports only src/protocol, src/report and its own helpers; it reaches src/${f} through the analysis process (src/protocol/analysisProtocol.ts).`));
const noExtension = folderBan('extension', 'Only the extension host imports src/extension: move the shared part to src/protocol (or another vscode-free folder).');
const protocolBans = SRC_FOLDERS.filter((f) => f !== 'protocol').map((f) => folderBan(f, `src/protocol is the contract that every side imports; it imports none of them (src/${f}). Define the type in src/protocol and import it from there.`));

const restrict = (files, { paths = [], patterns = [] }, ignores) => ({
  files,
  ...(ignores ? { ignores } : {}),
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '.scratch/**', '.vscode-test/**', 'test-output/**', '.lape/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  restrict(['src/{engine,corpus,gguf,pipeline,analysis,cli}/**'], { paths: [noVscode], patterns: [noExtension] }),
  restrict(['src/lape/**'], { paths: [noVscode, ...noFs], patterns: [noExtension] }, ['src/lape/formats/**']),
  restrict(['src/lape/formats/**'], { paths: [noVscode], patterns: [noExtension] }),
  // The extension host loads src/report, so report obeys the extension's bans as well.
  restrict(['src/report/**'], { paths: [noVscode], patterns: [...extensionBans, noExtension] }),
  restrict(['src/extension/**'], { patterns: extensionBans }),
  // completionRequest.ts still names two types through src/pipeline/types.ts (which re-exports
  // them from src/protocol/pipelineTypes.ts); it is being changed elsewhere. Once its import
  // reads './pipelineTypes.ts', drop this `ignores` and the entry below.
  restrict(['src/protocol/**'], { paths: [noVscode], patterns: protocolBans }, ['src/protocol/completionRequest.ts']),
  restrict(['src/protocol/completionRequest.ts'], { paths: [noVscode], patterns: protocolBans.filter((b) => !b.group[0].endsWith('/pipeline')) }),
  restrict(['webview/**'], { paths: [noVscode], patterns: [...extensionBans, noExtension] }),
);
