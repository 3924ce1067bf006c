// Needs the network (Debian mirror from the host's apt sources) on the first run.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchDebianSource } from './source.ts';

test('fetchDebianSource unpacks QuickJS from Debian 13 and reuses it', async (t) => {
  const first = await fetchDebianSource('quickjs', { release: 'trixie' });
  t.is(first.version, '2025.04.26-1');
  t.regex(first.dir, /\/src\/quickjs-2025\.04\.26-1$/);
  const version = await readFile(join(first.dir, 'VERSION'), 'utf8');
  t.is(version.trim(), '2025-04-26');
  t.truthy(await readFile(join(first.dir, 'quickjs.c')));
  const started = Date.now();
  const second = await fetchDebianSource('quickjs', { release: 'trixie' });
  t.deepEqual(second, first);
  t.true(Date.now() - started < 5000, 'the second call reuses the unpacked tree');
});

test('fetchDebianSource names a package that does not exist', async (t) => {
  const error = await t.throwsAsync(fetchDebianSource('no-such-source-imago', { release: 'trixie' }));
  t.regex(error!.message, /failed to find source package no-such-source-imago in Debian trixie/);
});
