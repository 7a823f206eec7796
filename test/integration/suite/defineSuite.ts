/** One named check of the integration suite. */
export interface Check {
  name: string;
  run(): Promise<void>;
}

interface MochaTdd {
  suite?: (name: string, body: () => void) => void;
  test?: (name: string, body: () => Promise<void>) => void;
}

/**
 * Makes a suite runnable two ways: under @vscode/test-cli (mocha's tdd globals exist, so
 * each check becomes a mocha test) and through a plain `run()` (test-electron's
 * extensionTestsPath, or a code-server driver), which throws on the first failure.
 */
export function defineSuite(name: string, checks: Check[]): () => Promise<void> {
  const mocha = globalThis as MochaTdd;
  if (typeof mocha.suite === 'function' && typeof mocha.test === 'function') {
    const test = mocha.test;
    mocha.suite(name, () => {
      for (const check of checks) test(check.name, () => check.run());
    });
  }
  return async () => {
    for (const check of checks) {
      try {
        await check.run();
        console.log(`ok - ${name}: ${check.name}`);
      } catch (error) {
        console.log(`not ok - ${name}: ${check.name}`);
        throw error;
      }
    }
  };
}

/** Waits for a condition the UI reaches asynchronously, checking every `intervalMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
