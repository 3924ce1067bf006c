/**
 * Boots images/ssh.yml (Debian's openssh-server as a native service) from its
 * raw disk on x86_64, twice. The spec built is the example plus what only this
 * test knows: the public half of a key pair made for this run (the private
 * half never leaves the temp folder) and an `update:` section, which gives
 * the disk its data partition. The first boot generates the host keys into
 * /data/state/etc/ssh; the host's ssh client logs in as root with the key
 * through a forwarded port; the second boot finds the state folder done,
 * generates nothing, and serves the same host key.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { bootDisk, type Vm } from '../builder/src/qemu/index.ts';
import { freePort } from './free-port.ts';
import { TCG_TIMEOUTS } from './harness.ts';

const run = promisify(execFile);
const arch = 'x86_64';

/** images/ssh.yml with root's authorized key and a data partition; as text, so the example's own lines stay as written. */
function scenarioSpec(example: string, publicKey: string): string {
  for (const key of ['files', 'update']) {
    if (new RegExp(`^${key}:`, 'm').test(example)) throw new Error(`images/ssh.yml: the test adds ${key}: itself; keep it out of the example`);
  }
  const keys = resolve('qemu-tests', 'update', 'test-keys', 'release.pub');
  return `${example.replace(/\n*$/, '\n')}
files:
  - path: /root/.ssh
    directory: true
    mode: "0700"
  - path: /root/.ssh/authorized_keys
    mode: "0600"
    contents: ${JSON.stringify(publicKey)}

update:
  keys: [${JSON.stringify(keys)}]
  data_size: 32M
`;
}

/** Runs `command` as root on the guest with the test's key; the host key is not checked (it is what the test compares). */
async function ssh(dir: string, port: number, command: string): Promise<string> {
  const { stdout } = await run(
    'ssh',
    ['-i', join(dir, 'id_ed25519'), '-p', String(port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, '-o', 'ConnectTimeout=30', 'root@127.0.0.1', command],
    { timeout: 120_000 },
  );
  return stdout;
}

/** The guest's ED25519 host key line, as a client would record it. */
async function hostKey(port: number): Promise<string> {
  const { stdout } = await run('ssh-keyscan', ['-T', '30', '-t', 'ed25519', '-p', String(port), '127.0.0.1'], { timeout: 60_000 });
  const line = stdout.split('\n').find((l) => l.includes('ssh-ed25519'));
  if (!line) throw new Error(`ssh-keyscan found no ed25519 host key on port ${port}`);
  return line.trim();
}

/** Boots the disk and waits for sshd to accept connections; the caller powers it off. */
async function boot(disk: string, port: number): Promise<Vm> {
  const echo = process.env.IMAGO_QEMU_ECHO ? (line: { text: string }) => process.stderr.write(`${line.text}\n`) : undefined;
  const vm = await bootDisk(disk, arch, { forwards: [{ host: port, guest: 22 }], expectTimeoutMs: TCG_TIMEOUTS.expectMs, onLine: echo });
  await vm.expect(/init: sshd ready after \d+ ms/, TCG_TIMEOUTS.bootMs);
  return vm;
}

/** Asks the guest to power off over SSH (BusyBox poweroff signals the init) and waits for QEMU to end. */
async function powerOff(vm: Vm, dir: string, port: number): Promise<number> {
  await ssh(dir, port, 'poweroff').catch(() => undefined);
  await vm.expect('init: powering off', TCG_TIMEOUTS.exitMs * 2);
  return vm.waitExit(TCG_TIMEOUTS.exitMs);
}

test.serial(`${arch}: images/ssh.yml: a key login from the host, and the host key survives a reboot on the data partition`, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-ssh-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'imago-ssh-test', '-f', join(dir, 'id_ed25519')]);
  const specDir = join('out', 'qemu-tests', 'ssh-spec');
  await mkdir(specDir, { recursive: true });
  await writeFile(join(specDir, 'spec.yml'), scenarioSpec(await readFile('images/ssh.yml', 'utf8'), await readFile(join(dir, 'id_ed25519.pub'), 'utf8')));
  const [image] = await build(join(specDir, 'spec.yml'), buildOptions({ outDir: join('out', 'qemu-tests', 'ssh'), arch: [arch], formats: ['raw'], progress: terminalProgress() }));
  const disk = join('out', 'qemu-tests', 'ssh.img');
  await copyFile(join(image!.dir, 'disk.img'), disk);
  const port = await freePort();

  let firstKey: string;
  const first = await boot(disk, port);
  try {
    t.regex(first.console.transcript(), /init: state \/etc\/ssh: generated in \/data\/state\/etc\/ssh and mounted/);
    const [uid, writable, ...files] = (await ssh(dir, port, 'id -u; test -w /etc/ssh && echo writable; ls /etc/ssh')).trim().split('\n');
    t.is(`${uid} ${writable}`, '0 writable', 'root logged in with the key; /etc/ssh is the writable state folder');
    t.true(['sshd_config', 'moduli', 'ssh_host_ed25519_key', 'ssh_host_rsa_key'].every((file) => files.includes(file)), `the image's files and the generated keys are in /etc/ssh: ${files.join(' ')}`);
    firstKey = await hostKey(port);
    t.is(await powerOff(first, dir, port), 0);
  } finally {
    await first.kill();
  }

  const second = await boot(disk, port);
  try {
    const transcript = second.console.transcript();
    t.regex(transcript, /init: state \/etc\/ssh: \/data\/state\/etc\/ssh mounted/);
    t.notRegex(transcript, /generating new host keys/, 'ssh-keygen did not run again');
    t.is(await hostKey(port), firstKey, 'the same host key after the reboot');
    t.is((await ssh(dir, port, 'id -u')).trim(), '0');
    t.is(await powerOff(second, dir, port), 0);
  } finally {
    await second.kill();
  }
});
