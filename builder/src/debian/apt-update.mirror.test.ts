/**
 * apt-get update against a local mirror caught mid-sync: its Release file
 * promises one Packages size, the file has another. Real apt, real output, so
 * the classifier is checked against what apt actually prints.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentProgress } from '../progress.ts';
import { openAptState } from './apt-state.ts';

const packages = 'Package: hello\nVersion: 1\nArchitecture: amd64\nFilename: pool/hello_1_amd64.deb\nSize: 1\n\n';

async function mirror(root: string, promisedSize: number): Promise<void> {
  const dir = join(root, 'dists/bookworm-security/main/binary-amd64');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Packages'), packages);
  const sha256 = createHash('sha256').update(packages).digest('hex');
  await writeFile(
    join(root, 'dists/bookworm-security/Release'),
    `Suite: bookworm-security\nCodename: bookworm-security\nArchitectures: amd64\nComponents: main\nDate: Sat, 28 Nov 2026 00:00:00 UTC\nSHA256:\n ${sha256} ${promisedSize} main/binary-amd64/Packages\n`,
  );
}

test('a local mirror whose index does not match its Release file fails naming the suite, the arch and --skip-suite, after the retries', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-apt-sync-'));
  const saved = { cache: process.env.IMAGO_CACHE, delays: process.env.IMAGO_APT_RETRY_DELAYS };
  process.env.IMAGO_CACHE = join(dir, 'cache');
  process.env.IMAGO_APT_RETRY_DELAYS = '0,0';
  const warnings: string[] = [];
  try {
    await mirror(join(dir, 'mirror'), packages.length + 7);
    const sources = `deb [trusted=yes] file:${join(dir, 'mirror')} bookworm-security main\n`;
    const error = await t.throwsAsync(openAptState({ name: 'sync-test', arch: 'amd64', sources }, { ...silentProgress, warn: (text: string) => warnings.push(text) }));
    t.regex(error!.message, /the mirror's bookworm-security index for amd64 is still mid-sync after 3 tries \((Hash Sum mismatch|File has unexpected size.*)\)\. try again later, or build without it: --skip-suite bookworm-security/);
    t.is(warnings.length, 2, warnings.join('\n'));
    // Once the mirror agrees with itself, the same state updates.
    await mirror(join(dir, 'mirror'), packages.length);
    const state = await openAptState({ name: 'sync-test', arch: 'amd64', sources }, silentProgress);
    t.true(state.updatedAt > 0);
  } finally {
    process.env.IMAGO_CACHE = saved.cache;
    process.env.IMAGO_APT_RETRY_DELAYS = saved.delays;
    if (saved.cache === undefined) delete process.env.IMAGO_CACHE;
    if (saved.delays === undefined) delete process.env.IMAGO_APT_RETRY_DELAYS;
    await rm(dir, { recursive: true, force: true });
  }
});
