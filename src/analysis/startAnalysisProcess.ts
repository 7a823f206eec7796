import { IPCMessageReader, IPCMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { AnalysisBackend } from './AnalysisBackend.ts';
import { AnalysisServer } from './AnalysisServer.ts';

/** How long a stray `process.exit` waits, so its log line and any answer still reach the client. */
const EXIT_DELAY_MS = 1000;

/**
 * The process glue of the analysis process (forked by the extension with an IPC channel):
 * JSON-RPC over IPC, a logged `process.exit`, uncaught errors on stderr (the extension
 * shows stderr in its output channel) and exit when the parent goes away.
 */
export function startAnalysisProcess(backend: AnalysisBackend): AnalysisServer {
  if (typeof process.send !== 'function') {
    console.error('The analysis process speaks JSON-RPC over an IPC channel: start it with child_process.fork, not from a shell.');
    process.exit(2);
  }
  const nodeExit = process.exit.bind(process);
  const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
  let exiting = false;
  const exit = (code: number): void => {
    if (exiting) return;
    exiting = true;
    server.dispose();
    nodeExit(code);
  };
  const server = new AnalysisServer({ connection, backend, onShutdown: () => exit(0) });

  // A library that calls process.exit would otherwise kill in-flight requests silently.
  process.exit = ((code?: number | string | null) => {
    const stack = new Error('process.exit called').stack ?? '';
    console.error(`The analysis process was asked to exit (code ${code ?? 0}):\n${stack}`);
    server.log('error', `process.exit(${code ?? 0}) called:\n${stack}`);
    setTimeout(() => nodeExit(typeof code === 'number' ? code : 0), EXIT_DELAY_MS);
  }) as typeof process.exit;

  // Logged, not fatal: one bad callback should not take the loaded model down with it.
  process.on('uncaughtException', (error) => {
    console.error(`Uncaught exception in the analysis process: ${error.stack ?? error.message}`);
  });
  process.on('unhandledRejection', (reason) => {
    console.error(`Unhandled rejection in the analysis process: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
  // The parent died or closed the channel: nobody is left to answer to.
  process.on('disconnect', () => exit(0));
  connection.onClose(() => exit(0));

  server.listen();
  return server;
}
