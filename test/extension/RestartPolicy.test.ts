import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartPolicy } from '../../src/extension/RestartPolicy.ts';

test('restarts until the third crash within three minutes', () => {
  let now = 0;
  const policy = new RestartPolicy({ now: () => now });
  assert.equal(policy.recordCrash(), true);
  now += 60_000;
  assert.equal(policy.recordCrash(), true);
  now += 60_000;
  assert.equal(policy.recordCrash(), false);
  assert.equal(policy.recentCrashes, 3);
});

test('crashes older than the window stop counting', () => {
  let now = 0;
  const policy = new RestartPolicy({ maxCrashes: 3, windowMs: 180_000, now: () => now });
  policy.recordCrash();
  policy.recordCrash();
  now += 180_000;
  assert.equal(policy.recentCrashes, 0);
  assert.equal(policy.recordCrash(), true);
  assert.equal(policy.recentCrashes, 1);
});

test('reset forgets earlier crashes', () => {
  const policy = new RestartPolicy({ maxCrashes: 2, now: () => 0 });
  policy.recordCrash();
  policy.reset();
  assert.equal(policy.recordCrash(), true);
  assert.equal(policy.recordCrash(), false);
});
