import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticServer {
  origin: string;
  /** Every path the page asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** Serves fixed files on 127.0.0.1, the stand-in for VS Code's webview resource origin. */
export async function startStaticServer(files: (origin: string) => Record<string, string>): Promise<StaticServer> {
  const requests: string[] = [];
  let content: Record<string, string> = {};
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const body = content[path];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  content = files(origin);
  return { origin, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
