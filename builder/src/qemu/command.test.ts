import test from 'ava';
import type { Target } from '../../../targets/types.ts';
import { x86_64 } from '../../../targets/x86_64.ts';
import { mips } from '../../../targets/mips.ts';
import { qemuCommand, qemuDiskCommand } from './command.ts';

const files = { kernel: '/o/kernel', initrd: '/o/initrd.img', cmdline: 'console=ttyS0 quiet' };

/** The value following `flag`, or every value when the flag repeats. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1] ?? '<none>'] : []));
}

test('x86_64 defaults: exact argument list', (t) => {
  const { binary, args } = qemuCommand(x86_64, files);
  t.is(binary, 'qemu-system-x86_64');
  t.deepEqual(args, [
    '-nodefaults', '-no-reboot', '-M', 'pc', '-accel', 'tcg', '-m', '512',
    '-display', 'none', '-chardev', 'stdio,id=con0,signal=off', '-serial', 'chardev:con0',
    '-kernel', '/o/kernel', '-initrd', '/o/initrd.img', '-append', 'console=ttyS0 quiet',
    '-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0',
    '-object', 'rng-random,filename=/dev/urandom,id=rng0', '-device', 'virtio-rng-pci,rng=rng0',
  ]);
});

test('cmdline with spaces and quotes stays one argument', (t) => {
  const cmdline = 'console=ttyS0 imago.msg="a b,c"';
  t.deepEqual(values(qemuCommand(x86_64, { ...files, cmdline }).args, '-append'), [cmdline]);
});

test('port forwards become hostfwd entries bound to loopback', (t) => {
  const { args } = qemuCommand(x86_64, {
    ...files,
    forwards: [{ host: 8080, guest: 80 }, { host: 5353, guest: 53, protocol: 'udp' }],
  });
  t.deepEqual(values(args, '-netdev'), [
    'user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:5353-:53',
  ]);
});

const invalidForwards = [
  { name: 'zero host port', forward: { host: 0, guest: 80 }, message: /invalid host port 0/ },
  { name: 'guest port too big', forward: { host: 8080, guest: 70000 }, message: /invalid guest port 70000/ },
  { name: 'fractional port', forward: { host: 80.5, guest: 80 }, message: /invalid host port 80.5/ },
];
for (const { name, forward, message } of invalidForwards) {
  test(`rejects forward: ${name}`, (t) => {
    const error = t.throws(() => qemuCommand(x86_64, { ...files, forwards: [forward] }), { message });
    t.is((error as { code?: string }).code, 'E_QEMU_OPTION');
  });
}

test('memory, smp, accel and extra args are applied in order', (t) => {
  const { args } = qemuCommand(
    { ...x86_64, qemu: { ...x86_64.qemu, extraArgs: ['-target-extra'] } },
    { ...files, memoryMiB: 256, smp: 2, accel: 'tcg', extraArgs: ['-S'] },
  );
  t.deepEqual(values(args, '-m'), ['256']);
  t.deepEqual(values(args, '-smp'), ['2']);
  t.deepEqual(values(args, '-accel'), ['tcg,thread=multi']);
  t.deepEqual(args.slice(-2), ['-target-extra', '-S']);
  t.deepEqual(values(qemuCommand(x86_64, { ...files, accel: 'kvm' }).args, '-accel'), ['kvm']);
});

test('rejects a non-positive memory size', (t) => {
  t.throws(() => qemuCommand(x86_64, { ...files, memoryMiB: 0 }), { message: /memoryMiB: invalid value 0/ });
});

test('cpu is passed when the target sets one; rng is left out when it has none', (t) => {
  const arm: Target = {
    ...x86_64,
    qemu: { ...x86_64.qemu, binary: 'qemu-system-aarch64', machine: 'virt', cpu: 'cortex-a57', rngDevice: undefined, netDevice: 'virtio-net-device' },
  };
  const { binary, args } = qemuCommand(arm, files);
  t.is(binary, 'qemu-system-aarch64');
  t.deepEqual(values(args, '-cpu'), ['cortex-a57']);
  t.deepEqual(values(args, '-object'), []);
  t.deepEqual(values(args, '-device'), ['virtio-net-device,netdev=n0']);
});

test('terminal console multiplexes serial and monitor on stdio without SIGINT', (t) => {
  const { args } = qemuCommand(x86_64, { ...files, console: 'terminal' });
  t.deepEqual(values(args, '-chardev'), ['stdio,id=con0,mux=on,signal=off']);
  t.deepEqual(values(args, '-serial'), ['chardev:con0']);
  t.deepEqual(values(args, '-mon'), ['chardev=con0,mode=readline']);
});

test('a disk path with commas is escaped the way QEMU reads -drive options', (t) => {
  // QEMU splits -drive at single commas and reads ",," as one comma in a value:
  // unescaped, "a,b.img" would end the file name at "a" and make "b.img" an option.
  const { args } = qemuDiskCommand(x86_64, { disk: '/tmp/run,1/a,b.img', firmware: 'OVMF.fd' });
  t.deepEqual(values(args, '-drive'), ['file=/tmp/run,,1/a,,b.img,format=raw,if=none,id=disk0,cache=writeback']);
  const { args: doubled } = qemuDiskCommand(x86_64, { disk: 'x,,y', firmware: 'OVMF.fd' });
  t.deepEqual(values(doubled, '-drive'), ['file=x,,,,y,format=raw,if=none,id=disk0,cache=writeback']);
});

test('a disk boot starts the firmware with the disk on virtio, and lets the guest reboot', (t) => {
  const { args } = qemuDiskCommand(x86_64, { disk: 'disk.img', firmware: 'OVMF.fd', forwards: [{ host: 2323, guest: 23 }] });
  t.false(args.includes('-no-reboot'));
  t.false(args.includes('-kernel'));
  t.deepEqual(values(args, '-bios'), ['OVMF.fd']);
  t.deepEqual(values(args, '-drive'), ['file=disk.img,format=raw,if=none,id=disk0,cache=writeback']);
  t.deepEqual(values(args, '-netdev'), ['user,id=n0,hostfwd=tcp:127.0.0.1:2323-:23']);
});

test('a disk boot on IDE attaches the disk as the first IDE drive, with no virtio block device (U-Boot on malta)', (t) => {
  const { args } = qemuDiskCommand(mips, { disk: 'disk.img', firmware: 'u-boot.bin', diskBus: 'ide' });
  t.deepEqual(values(args, '-bios'), ['u-boot.bin']);
  t.deepEqual(values(args, '-drive'), ['file=disk.img,format=raw,if=ide,index=0,cache=writeback']);
  t.false(values(args, '-device').some((device) => device.startsWith('virtio-blk')));
});
