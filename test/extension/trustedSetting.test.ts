import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingTarget, trustedSetting } from '../../src/extension/trustedSetting.ts';

const all = { defaultValue: '', globalValue: '/home/me/model.gguf', workspaceValue: '/evil/model.gguf', workspaceFolderValue: '/evil2.gguf' };

test('an untrusted workspace only gets the user value or the default', () => {
  assert.equal(trustedSetting(all, false), '/home/me/model.gguf');
  assert.equal(trustedSetting({ defaultValue: '', workspaceValue: '/evil.gguf' }, false), '');
});

test('a trusted workspace gets the most specific value', () => {
  assert.equal(trustedSetting(all, true), '/evil2.gguf');
  assert.equal(trustedSetting({ defaultValue: 'd', globalValue: 'g', workspaceValue: 'w' }, true), 'w');
  assert.equal(trustedSetting(undefined, true), undefined);
});

test('a choice is written over a workspace value only when that value counts', () => {
  assert.equal(settingTarget({ workspaceValue: 'w' }, true), 'workspace');
  assert.equal(settingTarget({ workspaceValue: 'w' }, false), 'global');
  assert.equal(settingTarget({ globalValue: 'g' }, true), 'global');
});
