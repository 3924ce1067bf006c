import test from 'ava';
import { mkdtemp, writeFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTarget } from '../../../targets/index.ts';
import type { Spec } from '../spec/schema.ts';
import { missingTools, missingToolsMessage } from './check-tools.ts';
import { requiredTools, type ToolPlanOptions } from './required-tools.ts';

const spec = (extra: Partial<Spec> = {}): Spec => ({ version: 1, name: 'x', ...extra }) as Spec;
const plain: ToolPlanOptions = { formats: [], compression: 'gzip' };
const commands = (s: Spec, arches: string[], options = plain) => requiredTools(s, arches.map(getTarget), options).map((tool) => tool.command);

test('required tools: x86_64 with a Debian kernel needs apt, dpkg-deb and the host gcc, no make or QEMU', (t) => {
  t.deepEqual(commands(spec(), ['x86_64']), ['flock', 'apt-get', 'apt-cache', 'dpkg-source', 'gcc', 'dpkg-deb', 'x86_64-linux-gnu-gcc', 'x86_64-linux-gnu-ar']);
});

test('required tools: mips64el needs its cross compiler, named with its Debian package', (t) => {
  const tools = requiredTools(spec(), [getTarget('mips64el')], plain);
  const gcc = tools.find((tool) => tool.command === 'mips64el-linux-gnuabi64-gcc');
  t.deepEqual(gcc, { command: 'mips64el-linux-gnuabi64-gcc', package: 'gcc-mips64el-linux-gnuabi64', why: 'the init for mips64el' });
  t.false(tools.some((tool) => tool.command === 'make'), 'a Debian kernel and busybox-static need no make');
});

test('required tools: a spec that sets the clock compiles ntpd, so x86_64 needs make and strip', (t) => {
  const tools = requiredTools(spec({ time: {} }), [getTarget('x86_64')], plain);
  t.deepEqual(tools.find((tool) => tool.command === 'make'), { command: 'make', package: 'make', why: 'building the ntpd (BusyBox) for x86_64' });
  t.true(tools.some((tool) => tool.command === 'x86_64-linux-gnu-strip'));
});

test('required tools: mips64 builds kernel and BusyBox and runs its qjsc under user emulation', (t) => {
  const tools = commands(spec(), ['mips64']);
  for (const command of ['mips64-linux-gnuabi64-gcc', 'mips64-linux-gnuabi64-strip', 'make', 'bison', 'flex', 'bc', 'tar', 'qemu-mips64-static']) t.true(tools.includes(command), command);
  t.false(tools.includes('dpkg-deb'), 'no Debian packages on mips64');
});

test('required tools: containers on mips unpack Debian\'s Go with dpkg-deb, to build containerd', (t) => {
  const tools = requiredTools(spec({ containers: [{ name: 'a', archive: 'a.tar' }] }), [getTarget('mips')], plain);
  t.deepEqual(tools.find((tool) => tool.command === 'dpkg-deb'), { command: 'dpkg-deb', package: 'dpkg', why: "unpacking Debian's Go to build containerd for mips" });
});

test('required tools: kernel.build on x86_64 adds the kernel build tools', (t) => {
  const tools = commands(spec({ kernel: { build: true } } as Partial<Spec>), ['x86_64']);
  for (const command of ['make', 'x86_64-linux-gnu-strip', 'bison', 'flex', 'bc']) t.true(tools.includes(command), command);
});

test('required tools: --format raw, --compression xz and booting add theirs, each command once', (t) => {
  const tools = commands(spec(), ['x86_64', 'aarch64'], { formats: ['raw'], compression: 'xz', boot: true });
  for (const command of ['mkfs.vfat', 'mmd', 'mcopy', 'mke2fs', 'grub-mkimage', 'xz', 'qemu-system-x86_64', 'qemu-system-aarch64', 'aarch64-linux-gnu-gcc']) t.true(tools.includes(command), command);
  t.is(new Set(tools).size, tools.length, 'no duplicates');
});

test('required tools: packages with setup commands add chroot and unshare, and user emulation for a target the host cannot run', (t) => {
  const withSetup = spec({ packages: ['curl', { name: 'nginx', setup: ['true'] }] } as Partial<Spec>);
  const tools = commands(withSetup, ['x86_64', 'armv7']);
  for (const command of ['chroot', 'unshare', 'qemu-arm-static']) t.true(tools.includes(command), command);
  t.false(commands(spec({ packages: ['curl'] } as Partial<Spec>), ['x86_64']).includes('chroot'), 'no setup, no chroot');
});

test('missing tools are looked up on PATH as executable files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-path-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'flock'), '#!/bin/sh\n');
  await chmod(join(dir, 'bin', 'flock'), 0o755);
  await writeFile(join(dir, 'bin', 'gcc'), 'not executable');
  await mkdir(join(dir, 'bin', 'make'));
  const tools = [
    { command: 'flock', package: 'util-linux', why: 'a' },
    { command: 'gcc', package: 'gcc', why: 'b' },
    { command: 'make', package: 'make', why: 'c' },
  ];
  const missing = await missingTools(tools, `${join(dir, 'empty')}:${join(dir, 'bin')}`);
  t.deepEqual(missing.map((tool) => tool.command), ['gcc', 'make']);
  t.is(
    missingToolsMessage(missing),
    'missing host programs for this build (nothing was downloaded or built):\n' +
      '  gcc   (Debian package gcc): b\n' +
      '  make  (Debian package make): c\n' +
      'install them with: apt-get install gcc make',
  );
});
