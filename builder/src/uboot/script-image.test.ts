/**
 * Our script image against U-Boot's own mkimage (Debian's u-boot-tools), byte
 * for byte, for each architecture and for scripts whose length is not a
 * multiple of 4.
 */
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../io/exec.ts';
import { scriptImage } from './script-image.ts';

const cases = [
  { title: 'arm, 4-byte multiple', arch: 'arm', script: 'echo imago\n', name: '' },
  { title: 'mips, odd length, named', arch: 'mips', script: 'setenv a 1\nsetenv b 22\necho "${a} ${b}"\n', name: 'imago boot' },
  { title: 'mips64, one byte', arch: 'mips64', script: '\n', name: '' },
] as const;

for (const { title, arch, script, name } of cases) {
  test(`scriptImage matches mkimage -T script byte for byte (${title})`, async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'imago-scr-'));
    try {
      await writeFile(join(work, 'boot.cmd'), script);
      const args = ['-A', arch, '-O', 'linux', '-T', 'script', '-C', 'none', ...(name ? ['-n', name] : []), '-d', join(work, 'boot.cmd'), join(work, 'boot.scr')];
      await run('mkimage', args, { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
      const expected = await readFile(join(work, 'boot.scr'));
      t.deepEqual(Buffer.from(scriptImage(script, { arch, time: 1700000000, name })), expected);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}

test('scriptImage refuses a name longer than the header holds', (t) => {
  t.throws(() => scriptImage('', { arch: 'arm', time: 0, name: 'x'.repeat(33) }), { message: /name "x+" is 33 bytes: expected at most 32/ });
});
