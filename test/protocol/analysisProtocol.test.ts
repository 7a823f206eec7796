import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as protocol from '../../src/protocol/analysisProtocol.ts';

test('every message has a unique method in the analysis/ namespace', () => {
  const methods = (Object.values(protocol) as unknown[])
    .map((v) => (typeof v === 'object' && v !== null ? (v as { method?: unknown }).method : undefined))
    .filter((m): m is string => typeof m === 'string');
  assert.ok(methods.length >= 14);
  assert.equal(new Set(methods).size, methods.length);
  for (const m of methods) assert.match(m, /^analysis\/[a-zA-Z]+$/);
});

test('the error codes sit outside the JSON-RPC reserved range', () => {
  for (const code of Object.values(protocol.AnalysisErrorCodes)) assert.ok(code > -32000 || code < -32768 || code === -32800, `${code}`);
});
