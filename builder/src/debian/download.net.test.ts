// Needs the network (Debian mirror from the host's apt sources) on the first run.
import test from 'ava';
import { stat } from 'node:fs/promises';
import type { Progress } from '../progress.ts';
import { checkPackagesExist, resolvePackages } from './resolve.ts';
import { fetchPackages, fileSha256 } from './download.ts';

/** Records step names, so a test can tell whether a download happened. */
function recordingProgress(): Progress & { steps: string[] } {
  const steps: string[] = [];
  return { steps, step: (name) => steps.push(name), update() {}, detail() {}, done() {} };
}

test('resolvePackages returns the closure for an empty system, sorted, without Recommends', async (t) => {
  const packages = await resolvePackages(['kmod'], 'amd64', recordingProgress());
  const names = packages.map((p) => p.name);
  t.deepEqual(names, [...names].sort());
  for (const name of ['kmod', 'libc6', 'libkmod2', 'liblzma5', 'libssl3', 'libzstd1']) t.true(names.includes(name), name);
  t.false(names.includes('coreutils'), 'no packages beyond Depends/Pre-Depends');
  for (const p of packages) {
    t.regex(p.sha256, /^[0-9a-f]{64}$/);
    t.true(['amd64', 'all'].includes(p.architecture));
  }
});

test('a missing package is named with the architecture before any download', async (t) => {
  const error = await t.throwsAsync(checkPackagesExist(['busybox-static', 'no-such-package-imago'], 'arm64', recordingProgress()));
  t.is(error!.message.split(':')[0], 'package no-such-package-imago not found for Debian bookworm arm64');
  await t.notThrowsAsync(checkPackagesExist(['busybox-static', 'libc6'], 'arm64', recordingProgress()));
});

test('downloads land in the content cache with the index hash, and are reused', async (t) => {
  const debs = await fetchPackages(['libzstd1'], 'amd64', recordingProgress());
  t.true(debs.length >= 2);
  for (const deb of debs) {
    t.regex(deb.path, /\/debs\/[^/]+\.deb$/);
    t.is(await fileSha256(deb.path), deb.sha256);
  }
  const mtimes = await Promise.all(debs.map(async (d) => (await stat(d.path)).mtimeMs));
  const progress = recordingProgress();
  const again = await fetchPackages(['libzstd1'], 'amd64', progress);
  t.deepEqual(again, debs);
  t.false(progress.steps.some((s) => s.startsWith('download')), progress.steps.join(', '));
  t.deepEqual(await Promise.all(again.map(async (d) => (await stat(d.path)).mtimeMs)), mtimes);
});
