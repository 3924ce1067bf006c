/**
 * Builds native-smoke.ts into a real static x86_64 init binary (QuickJS +
 * imago:native) and runs it on the build host as an ordinary process.
 *
 * QuickJS comes from IMAGO_QUICKJS_DIR when set (an unpacked `quickjs`
 * 2025.04.26 source tree), else from Debian through fetchQuickjsSource; the
 * test is skipped when IMAGO_SKIP_NATIVE=1. The first run compiles QuickJS
 * (about a minute); later runs hit the cache.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot } from '../../builder/src/io/cache.ts';
import { silentProgress } from '../../builder/src/progress.ts';
import { buildInit, fetchQuickjsSource } from '../../builder/src/init-binary/index.ts';
import { x86_64 } from '../../targets/x86_64.ts';

const enabled = process.env.IMAGO_SKIP_NATIVE !== '1';
let quickjs: { dir: string; version: string };
const work = mkdtempSync(join(tmpdir(), 'imago-native-test-'));
const binaryPath = join(work, 'init-smoke');
const entry = 'init/test/native-smoke.ts';
let binary: Uint8Array;
let relinked: Uint8Array;

const build = (cache?: string) => {
  if (cache) process.env.IMAGO_CACHE = cache;
  return buildInit({ target: x86_64, quickjsDir: quickjs.dir, quickjsVersion: quickjs.version, entry, progress: silentProgress });
};

test.before(async (t) => {
  if (!enabled) return;
  t.timeout(10 * 60_000);
  const dir = process.env.IMAGO_QUICKJS_DIR;
  quickjs = dir ? { dir, version: 'local' } : await fetchQuickjsSource();
  const realCache = process.env.IMAGO_CACHE;
  binary = (await build()).binary;
  writeFileSync(binaryPath, binary, { mode: 0o755 });
  // Relink from scratch in another cache (sharing only qjsc and the QuickJS
  // library) to check that the link is byte-reproducible.
  const root = cacheRoot();
  const other = join(work, 'cache');
  execFileSync('mkdir', ['-p', join(other, 'runtime')]);
  for (const name of readdirSync(join(root, 'runtime'))) {
    if (/^(qjsc|quickjs)-[^.]+$/.test(name)) symlinkSync(join(root, 'runtime', name), join(other, 'runtime', name));
  }
  try {
    relinked = (await build(other)).binary;
  } finally {
    if (realCache === undefined) delete process.env.IMAGO_CACHE;
    else process.env.IMAGO_CACHE = realCache;
  }
});

test.after.always(() => rmSync(work, { recursive: true, force: true }));

const hostTest = enabled ? test : test.skip;

hostTest('the init binary is a static, stripped x86-64 executable under 2.5 MB', (t) => {
  const description = execFileSync('file', ['-b', binaryPath], { encoding: 'utf8' });
  t.regex(description, /ELF 64-bit LSB executable, x86-64/);
  t.regex(description, /statically linked/);
  t.regex(description, /stripped/);
  t.true(binary.length < 2.5 * 1024 * 1024, `${binary.length} bytes`);
});

hostTest('two links of the same inputs are byte-identical', (t) => {
  t.is(relinked.length, binary.length);
  t.true(Buffer.from(relinked).equals(Buffer.from(binary)));
});

hostTest('imago:native works with os and std on the host', (t) => {
  const scratch = mkdtempSync(join(work, 'scratch-'));
  const output = execFileSync(binaryPath, [scratch], { encoding: 'utf8', timeout: 30_000 });
  const [json, execLine] = output.split('\n');
  const r = JSON.parse(json!);

  t.true(r.clock.elapsedMs >= 19 && r.clock.elapsedMs < 1000);
  t.true(r.clock.realtimeSkewMs < 1000);
  t.is(r.pid.native, r.pid.os);
  t.is(r.strerror, 'No such file or directory');

  t.like(r.pipe, { written: 6, bytes: 2, emptyNonblocking: -11, eofLength: 0, setCloexec: 0 });
  t.true(r.pipe.data.endsWith('llo!\n'));

  t.like(r.files, {
    oldUmask: 0o022, mkdir: 0, mode: 0o755, again: -17, chmod: 0, chmodded: 0o700,
    symlink: 0, target: 'd', fsync: 0, rename: 0, fifo: 0, fifoIsFifo: true, unlink: 0, gone: 2,
    statfsMissing: -2, finitMissing: -2, execvMissing: -2,
  });
  t.true(r.files.statfsType > 0);
  if (process.getuid?.() === 0) t.like(r.files, { chown: 0, owner: 65534 });

  // Mounting needs CAP_SYS_ADMIN, which a container may lack.
  if (r.mount.mount === 0) t.like(r.mount, { type: 0x01021994, umount: 0 });
  else t.is(r.mount.mount, -1, 'EPERM is the only acceptable failure');

  const s = r.spawn;
  t.like(s.id, { status: 0, stderr: '' });
  t.regex(s.id.stdout, /^uid=65534\(\w+\) gid=65534\(\w+\) groups=65534\(\w+\)$/m);
  t.is(s.groups.stdout, '65534 100\n');
  t.is(s.cwdUmask.stdout, `${scratch}\n0027\n`);
  const stat = s.session.stdout.replace(/^.*\) /, '').split(' ');
  t.is(Number(stat[3]), s.session.pid, 'the child leads its own session');
  t.is(s.signals.stdout, 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
  t.is(s.fds.stdout, '0\n1\n2\n');
  t.like(s.missing, { status: 127 << 8, stderr: 'imago: exec no-such-program: No such file or directory\n' });
  t.like(s.badCwd, { status: 127 << 8 });
  t.regex(s.badCwd.stderr, /^imago: chdir for \/bin\/true: No such file/);

  t.like(r.orphan, { subreaper: 0, status: 0 });
  t.is(r.orphan.reaped, r.orphan.orphan);

  t.like(r.signalfd, { none: -11, signal: 10, expected: 10 });
  t.true(r.signalfd.fd >= 3);

  t.like(r.unix, { data: 'ping', acceptAgain: -11, tooLong: -36 });
  t.true(r.unix.server >= 0 && r.unix.client >= 0);

  t.like(r.tcp, { connectError: 0, refusedError: 111, badAddress: -22 });
  t.true(r.tcp.listener >= 0 && r.tcp.server >= 0);

  t.true(r.interface.lo === 0 || r.interface.lo === -1);
  t.is(r.interface.missing, -19);
  t.deepEqual(r.constants, { SIGTERM: 15, SIGCHLD: 17, MS_BIND: 4096, RB_POWER_OFF: 0x4321fedc });

  t.is(execLine, 'exec: SigBlk:\t0000000000000000', 'execv clears the signal mask');
});
