import { join } from 'node:path';

/** What scripts/e2e/run.mjs hands a phase's test process. */
export interface E2EEnv {
  phase: string;
  /** code-server, e.g. http://127.0.0.1:PORT */
  url: string;
  runDir: string;
  /** The folder the workbench opens. */
  workspace: string;
  /** The fresh profile's extensions folder, where the VSIX was installed. */
  extensionsDir: string;
  /** test-output/e2e */
  output: string;
  /** The repository root. */
  root: string;
}

/** Undefined outside the harness: the files then skip, rather than fail, when run alone. */
export function e2eEnv(): E2EEnv | undefined {
  const e = process.env;
  if (!e.E2E_URL || !e.E2E_RUN_DIR || !e.E2E_WORKSPACE || !e.E2E_OUTPUT || !e.E2E_ROOT) return undefined;
  return {
    phase: e.E2E_PHASE ?? 'main',
    url: e.E2E_URL,
    runDir: e.E2E_RUN_DIR,
    workspace: e.E2E_WORKSPACE,
    extensionsDir: e.E2E_EXTENSIONS_DIR ?? join(e.E2E_RUN_DIR, 'ext'),
    output: e.E2E_OUTPUT,
    root: e.E2E_ROOT,
  };
}

export const NOT_IN_HARNESS = 'needs a code-server: run `npm run test:e2e`';
