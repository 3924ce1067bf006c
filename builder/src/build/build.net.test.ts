/**
 * Whole builds of images/minimal.yml with real downloads and compilers (cached
 * after the first run): reproducibility, the init binary's form, that a bad
 * spec writes nothing, and that a build failing in its last step changes nothing.
 */
import test from 'ava';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInitrd } from '../archive/decompress.ts';
import { SpecError } from '../errors.ts';
import { generateKeys } from '../bundle/keys.ts';
import { run } from '../io/exec.ts';
import { cacheRoot } from '../io/cache.ts';
import { silentProgress } from '../progress.ts';
import { build } from './build.ts';
import { buildOptions } from './options.ts';

async function buildMinimal(outDir: string) {
  return build('images/minimal.yml', buildOptions({ outDir, arch: ['x86_64'] }));
}

test('two builds of the same spec are byte-identical', async (t) => {
  const [first, second] = [await mkdtemp(join(tmpdir(), 'imago-a-')), await mkdtemp(join(tmpdir(), 'imago-b-'))];
  await buildMinimal(first);
  await buildMinimal(second);
  for (const name of ['initrd.img', 'manifest.json', 'kernel', 'cmdline']) {
    t.deepEqual(await readFile(join(first, 'x86_64', name)), await readFile(join(second, 'x86_64', name)), `${name} differs`);
  }
  const manifest = JSON.parse(await readFile(join(first, 'x86_64', 'manifest.json'), 'utf8'));
  t.is(manifest.quickjs.version, '2025.04.26-1');
  t.regex(manifest.kernel.package, /^linux-image-6\.1\.0-\d+-amd64$/);
  t.true(manifest.packages.some((p: { name: string }) => p.name === 'busybox-static'));
  t.deepEqual(await readdir(first), ['x86_64'], 'no temporary folders are left behind');
});

test('the init in the image is a static x86-64 executable of at most 2.5 MB', async (t) => {
  const outDir = await mkdtemp(join(tmpdir(), 'imago-init-'));
  await buildMinimal(outDir);
  const records = await readInitrd(join(outDir, 'x86_64', 'initrd.img'));
  const init = records.find((record) => record.name === 'init')!;
  t.truthy(init, '/init is in the initramfs');
  t.is(init.mode & 0o777, 0o755);
  t.true(init.data.length <= 2.5 * 1024 * 1024, `init is ${init.data.length} bytes`);
  const path = join(outDir, 'init');
  await writeFile(path, init.data);
  const { stdout } = await run('file', ['-b', path]);
  t.regex(stdout.toString(), /ELF 64-bit LSB executable, x86-64/);
  t.regex(stdout.toString(), /statically linked/);
  const names = new Set(records.map((record) => record.name));
  for (const expected of ['bin/busybox', 'bin/sh', 'etc/imago/init.json', 'dev/console', 'usr/share/imago/udhcpc.script']) t.true(names.has(expected), `${expected} is in the image`);
});

test('an invalid spec is refused before anything is written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-bad-'));
  const spec = join(dir, 'bad.yml');
  await writeFile(spec, 'version: 1\nname: bad\nservices:\n  - name: a\n    command: /a\n    restart: sometimes\n');
  const outDir = join(dir, 'out');
  const error = await t.throwsAsync(build(spec, buildOptions({ outDir })), { instanceOf: SpecError });
  t.is(error?.message, `${spec}:6:14: services[0].restart: expected one of always|on-failure|never, got "sometimes"`);
  t.deepEqual(await readdir(dir), ['bad.yml'], 'no output folder was created');
});

test('a build with a skipped suite warns, leaves it out of apt\'s sources and records it in the manifest', async (t) => {
  const outDir = await mkdtemp(join(tmpdir(), 'imago-skip-'));
  const warnings: string[] = [];
  const progress = { ...silentProgress, warn: (text: string) => warnings.push(text) };
  await build('images/minimal.yml', buildOptions({ outDir, arch: ['x86_64'], skipSuites: ['bookworm-security'], progress }));
  const manifest = JSON.parse(await readFile(join(outDir, 'x86_64', 'manifest.json'), 'utf8'));
  t.deepEqual(manifest.skippedSuites, ['bookworm-security']);
  t.true(warnings.some((text) => /^WARNING: building WITHOUT the Debian suite bookworm-security \(--skip-suite\)/.test(text)), warnings.join('\n'));
  const sources = await readFile(join(cacheRoot(), 'apt', 'bookworm-amd64-without-bookworm-security', 'etc', 'sources.list'), 'utf8');
  t.regex(sources, / bookworm main/);
  t.notRegex(sources, /bookworm-security/);
});

test('a service whose program is not in the image fails the build at its command, before anything is written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-getty-'));
  const spec = join(dir, 'getty.yml');
  await writeFile(spec, 'version: 1\nname: getty\nservices:\n  - name: tty\n    command: [/sbin/getty, "115200", ttyS0]\n');
  const error = await t.throwsAsync(build(spec, buildOptions({ outDir: join(dir, 'out'), arch: ['x86_64'] })), { instanceOf: SpecError });
  t.is(error?.message, `${spec}:5:15: services[0].command[0]: service "tty": "/sbin/getty" is not in the image; the image has getty at /bin/getty`);
  t.deepEqual(await readdir(dir), ['getty.yml'], 'no output folder was created');
});

/** Every file under `dir` (hidden ones too) with its contents, to compare a folder before and after. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    files[path.slice(dir.length)] = entry.isFile() ? await readFile(path, 'utf8') : '(folder)';
  }
  return files;
}

test('a build failing in its last step (the raw disk) leaves the out folder as it was and blames the spec', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-late-'));
  await writeFile(join(dir, 'release.pub'), generateKeys().publicLine);
  // A slot of 8M cannot hold Debian's amd64 kernel and the initramfs: only the raw format finds out, after everything else is built.
  const spec = join(dir, 'spec.yml');
  await writeFile(spec, `${await readFile('images/minimal.yml', 'utf8')}\nupdate:\n  keys: [release.pub]\n  slot_size: 8M\n`);
  const outDir = join(dir, 'out');
  await mkdir(join(outDir, 'x86_64'), { recursive: true });
  for (const name of ['kernel', 'initrd.img', 'cmdline', 'manifest.json']) await writeFile(join(outDir, 'x86_64', name), `the previous build's ${name}`);
  await writeFile(join(outDir, 'notes.txt'), 'not the builder\'s');
  const before = await snapshot(outDir);

  const error = await t.throwsAsync(build(spec, buildOptions({ outDir, arch: ['x86_64'], formats: ['raw'] })), { instanceOf: SpecError });
  t.regex(error?.message ?? '', new RegExp(`^${spec}:\\d+:\\d+: update\\.slot_size: the image \\([\\d.]+ MiB\\) does not fit a slot of 8 MiB: raise update\\.slot_size$`));
  t.deepEqual(await snapshot(outDir), before, 'no new kernel, initrd, manifest or disk, and no temporary folder');
});

test('a package missing from Debian is a spec error at its place in the spec, before any download, with nothing written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-nopkg-'));
  const spec = join(dir, 'nopkg.yml');
  await writeFile(spec, 'version: 1\nname: nopkg\npackages: [no-such-package-imago]\n');
  const error = await t.throwsAsync(build(spec, buildOptions({ outDir: join(dir, 'out'), arch: ['x86_64'] })), { instanceOf: SpecError });
  t.is(error?.message.split(': check')[0], `${spec}:3:12: packages[0]: package no-such-package-imago not found for Debian bookworm amd64`);
  t.deepEqual(await readdir(dir), ['nopkg.yml'], 'no output folder was created');
});
