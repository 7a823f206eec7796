import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBudget, checkRate, parseBudget } from '../../src/extension/inputValidation.ts';
import { languageName } from '../../src/extension/languageName.ts';

test('token budgets are whole numbers in range, separators allowed', () => {
  assert.equal(checkBudget('20000'), undefined);
  assert.equal(checkBudget('1_000_000'), undefined);
  assert.equal(parseBudget('1,000 000'), 1_000_000);
  assert.match(checkBudget('12')!, /Between 256/);
  assert.match(checkBudget('2500.5')!, /whole number/);
  assert.match(checkBudget('lots')!, /whole number/);
  assert.match(checkBudget('')!, /whole number/);
});

test('identification rates lie strictly between 0 and 1', () => {
  assert.equal(checkRate('0.01'), undefined);
  assert.equal(checkRate(' 0.95 '), undefined);
  assert.match(checkRate('1')!, /less than 1/);
  assert.match(checkRate('0')!, /greater than 0/);
  assert.match(checkRate('x')!, /number/);
});

test('language names come from Intl, with the code as fallback', () => {
  assert.equal(languageName('zh'), 'Chinese');
  assert.equal(languageName('id'), 'Indonesian');
  assert.equal(languageName('jpn_osaka'), 'jpn_osaka');
});
