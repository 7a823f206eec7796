// The handbook fetcher with a stand-in for `apt-get download` that hands over a real .deb
// built here by dpkg-deb, so unpacking and caching run for real, offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANDBOOK_HTML_DIR } from '../../src/corpus/handbookCorpus.ts';
import { fetchHandbook } from '../../src/pipeline/corpora/fetchHandbook.ts';

const root = mkdtempSync(join(tmpdir(), 'lape-fetch-handbook-'));
const hasDpkg = spawnSync('dpkg-deb', ['--version']).status === 0;

function fakeAptGet(): string {
  const pkg = join(root, 'pkg');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, HANDBOOK_HTML_DIR, 'en-US'), { recursive: true });
  writeFileSync(join(pkg, HANDBOOK_HTML_DIR, 'en-US', 'a.html'), '<div class="para">Hello.</div>');
  writeFileSync(join(pkg, 'DEBIAN', 'control'), 'Package: debian-handbook\nVersion: 11.20220922\nArchitecture: all\nMaintainer: test <t@example.invalid>\nDescription: test\n');
  const deb = join(root, 'debian-handbook_11.20220922_all.deb');
  assert.equal(spawnSync('dpkg-deb', ['--build', pkg, deb]).status, 0);
  const script = join(root, 'apt-get');
  writeFileSync(script, `#!/bin/sh\n[ "$1" = download ] && [ "$2" = debian-handbook ] && cp '${deb}' . && echo "$$" >> '${join(root, 'calls')}'\n`);
  chmodSync(script, 0o755);
  return script;
}

test('apt-get download and dpkg-deb unpack the book into the cache once; the next call uses the cache', { skip: hasDpkg ? false : 'dpkg-deb is not installed (not a Debian system)' }, async () => {
  const aptGet = fakeAptGet();
  const cacheDir = join(root, 'cache');
  const first = await fetchHandbook({ cacheDir, commands: { aptGet, dpkgDeb: 'dpkg-deb' } });
  assert.equal(first.version, '11.20220922');
  assert.ok(existsSync(join(first.root, HANDBOOK_HTML_DIR, 'en-US', 'a.html')));
  const second = await fetchHandbook({ cacheDir, commands: { aptGet: join(root, 'no-such-apt-get'), dpkgDeb: 'dpkg-deb' } });
  assert.deepEqual(second, first, 'the cached copy is used without apt');
  assert.deepEqual(readdirSync(join(cacheDir, 'corpora', 'debian-handbook')), ['11.20220922'], 'no temporary folder is left');
});

test('without apt the error says so and names the alternatives, and nothing is left in the cache', async () => {
  const cacheDir = join(root, 'no-apt');
  await assert.rejects(fetchHandbook({ cacheDir, commands: { aptGet: join(root, 'missing-apt-get'), dpkgDeb: 'dpkg-deb' } }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'fetch-failed');
    assert.match(e.message, /missing-apt-get is not installed/);
    assert.match(e.message, /--corpus udhr/);
    assert.match(e.message, /--corpus DIR/);
    return true;
  });
  assert.deepEqual(readdirSync(join(cacheDir, 'corpora', 'debian-handbook')), []);
});
