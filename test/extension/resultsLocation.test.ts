import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { modelStem, resultsDirFor, resultsRoot } from '../../src/extension/resultsLocation.ts';

test('a model file becomes a safe folder name', () => {
  assert.equal(modelStem('/models/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf'), 'Qwen2.5-0.5B-Instruct-Q4_K_M');
  assert.equal(modelStem('C:/x/my model (v2).GGUF'), 'my_model_v2_');
  assert.equal(modelStem('..gguf'), 'model');
});

test('results live in the workspace .lape folder, an absolute folder, or global storage', () => {
  assert.equal(resultsRoot({ workspaceFolder: '/ws', resultsFolder: '.lape', globalStorage: '/gs' }), join('/ws', '.lape'));
  assert.equal(resultsRoot({ workspaceFolder: '/ws', resultsFolder: '/data/lape', globalStorage: '/gs' }), '/data/lape');
  assert.equal(resultsRoot({ resultsFolder: '.lape', globalStorage: '/gs' }), join('/gs', 'results'));
  assert.equal(resultsRoot({ workspaceFolder: '/ws', resultsFolder: ' ', globalStorage: '/gs' }), join('/ws', '.lape'));
  assert.equal(resultsDirFor('/ws/.lape', '/m/tiny.gguf'), join('/ws/.lape', 'tiny'));
});
