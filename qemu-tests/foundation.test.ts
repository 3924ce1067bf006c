/**
 * Boots the foundation scenario on each test architecture (see test-arches.ts:
 * x86_64 and mips by default, `IMAGO_TEST_ARCH=all` for the matrix) and checks, from the serial console,
 * what the init promises: it is PID 1, the system is mounted and immutable,
 * eth0 gets its address by DHCP, onboot runs before services, service output
 * reaches the logs, crashes are restarted per policy, dependencies start first,
 * and power-off stops services in reverse order and ends QEMU with exit 0.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { getTarget } from '../targets/index.ts';
import { buildScenario } from './build-scenario.ts';
import { TCG_TIMEOUTS, withImage } from './harness.ts';
import { readInitBinary } from './init-binary.ts';
import { type MatrixRow, matrixDir } from './foundation-matrix.ts';
import { writeRow } from './matrix-rows.ts';
import { testArches } from './test-arches.ts';

/** `file`'s verdict on a binary. */
async function describeBinary(data: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-file-'));
  try {
    await writeFile(join(dir, 'init'), data);
    return execFileSync('file', ['-b', join(dir, 'init')], { encoding: 'utf8' }).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Each architecture's image and `file`'s description of its init, built once for both tests. */
const images = new Map<string, Promise<{ dir: string; description: string }>>();
function foundationImage(arch: string): Promise<{ dir: string; description: string }> {
  let image = images.get(arch);
  if (!image) {
    image = buildScenario('foundation', arch).then(async (dir) => ({ dir, description: await describeBinary(await readInitBinary(dir)) }));
    images.set(arch, image);
  }
  return image;
}

for (const arch of testArches()) {
  const target = getTarget(arch);

  test(`${arch}: the init is a static ${target.elf.class}-bit ${target.elf.endian} ${target.elf.machine} executable`, async (t) => {
    const { description } = await foundationImage(arch);
    t.log(description);
    t.true(description.startsWith(`ELF ${target.elf.class}-bit ${target.elf.endian} executable`), description);
    t.true(description.includes(target.elf.machine), description);
    t.true(description.includes('statically linked'), description);
  });

  test(`${arch}: the init boots, supervises and powers off cleanly`, async (t) => {
    const { dir, description } = await foundationImage(arch);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const row: MatrixRow = {
      arch,
      kernel: `${manifest.kernel.package}${manifest.kernel.built ? ' (built)' : ''} ${manifest.kernel.release}`,
      kernelBytes: manifest.outputs.kernel.size,
      initrdBytes: manifest.outputs['initrd.img'].size,
      initBytes: manifest.init.size,
      initFile: description,
      passed: false,
    };
    t.teardown(() => writeRow(matrixDir, { ...row, passed: t.passed }));
    await withImage(
      dir,
      async (vm) => {
        const ready = await vm.expect(/init: ready: \d+ services started/, TCG_TIMEOUTS.bootMs);
        row.readySeconds = ready.ms / 1000;
        // Up to the line end: the console may hold half a number (matches can end in an unfinished line).
        row.initRssKb = Number((await vm.expect(/INIT-RSS-KB (\d+)\r?\n/)).groups[0]);
        await vm.expect('probe: PROBE done');
        const text = vm.console.transcript();
        const line = (prefix: string) => text.split('\n').find((l) => l.includes(prefix)) ?? '';

        t.regex(line('probe: PID1'), /exe=\/init comm=init/, 'PID 1 is our init');
        t.regex(line('probe: ONBOOT before services'), /onboot ran at/);
        for (const [target, type] of [['/proc', 'proc'], ['/sys', 'sysfs'], ['/dev', 'devtmpfs'], ['/dev/pts', 'devpts'], ['/dev/shm', 'tmpfs'], ['/run', 'tmpfs'], ['/tmp', 'tmpfs'], ['/var', 'tmpfs'], ['/sys/fs/cgroup', 'cgroup2']]) {
          t.regex(text, new RegExp(`probe: MOUNT ${target} ${type} `), `${target} is mounted as ${type}`);
        }
        t.regex(text, /probe: MOUNT \/ rootfs ro[,\s]/, 'the root is the initramfs itself, read-only, not a copy');
        // The kernel gives the first mount itself as parent; pivot_root (every container start) needs a root that has one.
        const rootMount = /MOUNTINFO \/ id=(\d+) parent=(\d+)/.exec(line('probe: MOUNTINFO'));
        t.truthy(rootMount, 'the root is in /proc/self/mountinfo');
        t.not(rootMount?.[1], rootMount?.[2], 'the root is a mount of its own (a bind of the initramfs), which pivot_root can leave');
        t.regex(line('probe: ROOT'), /read-only/);
        t.regex(line('probe: VARSEED'), /VARSEED seeded from the image 640 65534$/, "a files: entry under /var is in the /var tmpfs at boot, with its mode and owner");
        t.regex(line('probe: VAR '), /VAR writable$/, 'the seeded /var is writable');
        t.is(line('probe: ETH0').split('ETH0 ')[1], '10.0.2.15/24');
        t.regex(line('probe: RESOLV'), /nameserver 10\.0\.2\.3/);
        t.regex(line('probe: HOSTNAME'), /testbox$/);
        t.regex(line('unprivileged: ID'), /65534:65534$/, 'a service runs as the user its spec names');
        t.regex(line('probe: CRASHER'), /runs=([3-9]|\d\d)/, 'the crashing service was restarted');
        t.regex(text, /init: crasher exited \(exit 3\); restarting in 100 ms/);
        t.regex(text, /init: crasher exited \(exit 3\); restarting in 200 ms/, 'backoff doubles');
        t.regex(line('probe: BASELOG'), /BASELOG [1-9]/, "base's output reached /run/log/base.log");

        const order = (needle: string) => vm.lines.findIndex((l) => l.text.includes(needle));
        t.true(order('onboot first: done') < order('init: started base'), 'onboot finishes before services start');
        t.true(order('base: base started') >= 0 && order('init: started base') < order('init: started dependant'), 'base starts before its dependant');

        // The probe ran BusyBox's poweroff, which signals PID 1 (SIGUSR2) as a user at the console would.
        await vm.expect('init: shutting down (poweroff)');
        await vm.expect('init: powering off', TCG_TIMEOUTS.exitMs);
        t.is(await vm.waitExit(TCG_TIMEOUTS.exitMs), 0, 'QEMU exits 0 after the guest powers off');
        t.true(order('init: stopping dependant') > 0 && order('init: stopping dependant') < order('init: stopping base'), 'the dependant stops before its dependency');
        t.true(order('init: all services stopped') > order('init: stopping base'));
      },
      { test: t },
    );
  });
}
