// Unit-suite tests of the harness against real QEMU, booting the tiny echo
// kernel from builder/src/qemu/testdata/ (about a second each).
import test from 'ava';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeEchoImage } from '../builder/src/qemu/testdata/echo-kernel.ts';
import { logName, withImage, type Vm } from './harness.ts';

async function tempOut(t: { teardown: (fn: () => Promise<void>) => void }): Promise<{ root: string; image: string }> {
  const root = await mkdtemp(join(tmpdir(), 'imago-harness-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  return { root, image: await writeEchoImage(join(root, 'x86_64')) };
}

test.serial('withImage returns the callback result, kills QEMU and writes no log on success', async (t) => {
  const { root, image } = await tempOut(t);
  let vm: Vm | undefined;
  const result = await withImage(image, async (v) => {
    vm = v;
    return (await v.expect(/cmdline=\S+ (\S+) /)).groups[0];
  }, { test: { title: 'ok', passed: true } });
  t.is(result, 'console=ttyS0');
  t.not(vm?.exitStatus, undefined, 'QEMU was stopped');
  await t.throwsAsync(access(join(root, 'qemu-logs')));
});

test.serial('withImage saves the timed transcript to out/qemu-logs/<test>.log when the callback throws', async (t) => {
  const { root, image } = await tempOut(t);
  const error = await t.throwsAsync(withImage(image, async (vm) => {
    await vm.expect('echo-kernel:');
    await vm.send('typed');
    await vm.expect('typed');
    await vm.expect('never', 200);
  }, { name: 'throws: a/b' }));
  const path = join(root, 'qemu-logs', 'throws-a-b.log');
  t.regex(error?.message ?? '', /timed out after 0\.2 s waiting for "never"/);
  t.true(error?.message.endsWith(`\nconsole transcript: ${path}`));
  const log = await readFile(path, 'utf8');
  t.regex(log, /^# command: qemu-system-x86_64 -nodefaults .* -append 'console=ttyS0 imago\.test=1'/);
  t.regex(log, /\n# exit: \d+\n/);
  t.regex(log, /\n\[ +\d+\.\d{3}\] echo-kernel: cmdline=\S+ console=ttyS0 imago\.test=1\n/);
  t.regex(log, /\n\[ +\d+\.\d{3}\] typed\n$/, 'the unfinished line is kept once QEMU is gone');
});

test.serial('withImage saves the transcript when the test has a failed assertion', async (t) => {
  const { root, image } = await tempOut(t);
  await withImage(image, (vm) => vm.expect(/cmdline=.*\n/), { test: { title: 'assertion failed', passed: false } });
  t.regex(await readFile(join(root, 'qemu-logs', 'assertion-failed.log'), 'utf8'), /echo-kernel: cmdline=/);
});

test.serial('withImage custom logDir', async (t) => {
  const { root, image } = await tempOut(t);
  const logDir = join(root, 'elsewhere');
  await t.throwsAsync(withImage(image, () => Promise.reject(new Error('boom')), { logDir }), { message: /^boom\nconsole transcript: .*elsewhere\/vm\.log$/ });
  await access(join(logDir, 'vm.log'));
});

test('logName makes a file name from a test title', (t) => {
  t.is(logName('x86_64 › boots to "ready"'), 'x86_64-boots-to-ready');
  t.is(logName('///'), 'vm');
});
