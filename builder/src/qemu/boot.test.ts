// Boots real QEMU (qemu-system-x86_64, TCG) with the tiny echo kernel from
// testdata/: each test takes about a second.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootImage } from './boot.ts';
import { writeEchoImage } from './testdata/echo-kernel.ts';

async function tempImage(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'imago-qemu-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  return writeEchoImage(join(root, 'x86_64'));
}

test.serial('boots, reads the console, types into it, and exits 0 on guest reset', async (t) => {
  const dir = await tempImage(t);
  const seen: string[] = [];
  const vm = await bootImage(dir, { appendCmdline: 'extra=yes', onLine: (line) => seen.push(line.text) });
  try {
    const banner = await vm.expect(/cmdline=(.*)\n/, 30_000);
    t.regex(banner.groups[0] ?? '', /console=ttyS0 imago\.test=1 extra=yes$/);
    t.true(banner.ms > 0 && banner.ms <= vm.elapsedMs());
    t.is(vm.lines[0]?.text, banner.line);
    await vm.send('hello ');
    t.is((await vm.expect('hello', 10_000)).text, 'hello');
    await vm.send('q');
    t.is(await vm.waitExit(10_000), 0);
    t.is(await vm.kill(), 0, 'kill after exit just returns the code');
    t.deepEqual(seen, [banner.line, 'hello q']);
    t.is(vm.console.transcript(), `${banner.line}\nhello q`);
    await t.throwsAsync(vm.send('x'), { code: 'E_QEMU_EXIT' } as never);
  } finally {
    await vm.kill();
  }
});

test.serial('expect times out with the elapsed time and the console tail', async (t) => {
  const vm = await bootImage(await tempImage(t));
  try {
    await vm.expect('echo-kernel:', 30_000);
    const error = await t.throwsAsync(vm.expect('never printed', 300));
    t.is((error as { code?: string }).code, 'E_QEMU_TIMEOUT');
    t.regex(error?.message ?? '', /^timed out after 0\.3 s waiting for "never printed" \(\d+\.\d s since QEMU started\)/);
    t.regex(error?.message ?? '', /last 1 console lines:\necho-kernel: cmdline=/);
    const exit = await t.throwsAsync(vm.waitExit(200));
    t.regex(exit?.message ?? '', /timed out after 0\.2 s waiting for QEMU to exit/);
  } finally {
    await vm.kill();
  }
  t.not(vm.exitStatus, undefined);
});

test.serial('a kernel QEMU cannot load fails expect with QEMU\'s own error', async (t) => {
  const dir = await tempImage(t);
  await writeFile(join(dir, 'kernel'), 'not a kernel\n');
  const vm = await bootImage(dir);
  try {
    const error = await t.throwsAsync(vm.expect('echo-kernel:', 30_000));
    t.is((error as { code?: string }).code, 'E_QEMU_EXIT');
    t.regex(error?.message ?? '', /^QEMU exited with code 1 while waiting for "echo-kernel:"/);
    t.regex(error?.message ?? '', /QEMU stderr:\nqemu/);
    t.regex(error?.message ?? '', /the console printed nothing/);
    t.is(await vm.waitExit(1000), 1);
  } finally {
    await vm.kill();
  }
});

test('a missing image file is reported before QEMU starts', async (t) => {
  const dir = await tempImage(t);
  await rm(join(dir, 'initrd.img'));
  await t.throwsAsync(bootImage(dir), { code: 'E_IMAGE_DIR', message: /initrd\.img: missing: .*run `imago build` first/ } as never);
});

test('a manifest with an unknown arch is reported with the known names', async (t) => {
  const dir = await tempImage(t);
  await writeFile(join(dir, 'manifest.json'), '{"arch":"pdp11"}');
  await t.throwsAsync(bootImage(dir), { code: 'E_IMAGE_DIR', message: /manifest\.json: arch: unknown architecture "pdp11"/ } as never);
});
