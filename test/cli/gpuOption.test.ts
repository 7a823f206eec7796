// `--gpu` on the commands that run a model: parsed before the command (the engine is one per
// process), refused with the allowed values when wrong, and unknown to the commands that
// load no model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeGpuOption, UsageError } from '../../src/cli/cliArgs.ts';
import { runCli } from './runCli.ts';

test('takeGpuOption takes --gpu X and --gpu=X out and leaves the rest in order', () => {
  assert.deepEqual(takeGpuOption(['--model', 'm', '--gpu', 'cpu', '--json']), { gpu: 'cpu', rest: ['--model', 'm', '--json'] });
  assert.deepEqual(takeGpuOption(['--gpu=CUDA', 'builtin']), { gpu: 'cuda', rest: ['builtin'] });
  assert.deepEqual(takeGpuOption(['builtin']), { rest: ['builtin'] });
  // After `--` everything is a positional.
  assert.deepEqual(takeGpuOption(['--', '--gpu', 'cpu']), { rest: ['--', '--gpu', 'cpu'] });
  assert.throws(() => takeGpuOption(['--gpu', 'rocm']), (e: unknown) => e instanceof UsageError && /--gpu must be one of auto, cuda, vulkan, metal, cpu, got "rocm"/.test(e.message));
  assert.throws(() => takeGpuOption(['--gpu']), (e: unknown) => e instanceof UsageError && /--gpu needs a value/.test(e.message));
  assert.throws(() => takeGpuOption(['--gpu', '--json']), UsageError);
});

test('lape info --gpu cpu runs; a wrong value and --gpu on a command without a model are usage errors', () => {
  const ok = runCli(['info', 'builtin', '--gpu', 'cpu', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).backend, 'cpu');
  const bad = runCli(['info', 'builtin', '--gpu=rocm']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /lape info: --gpu must be one of auto, cuda, vulkan, metal, cpu/);
  const notHere = runCli(['identify', 'results', '--gpu', 'cpu']);
  assert.equal(notHere.code, 2);
  assert.match(notHere.stderr, /Unknown option '--gpu'/);
  assert.match(runCli(['detect', '--help']).stdout, /--gpu auto\|cuda\|vulkan\|metal\|cpu/);
});
