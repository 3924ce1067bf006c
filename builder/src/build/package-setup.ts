/**
 * Runs the spec's `packages: [{ name, setup: [...] }]` commands at build time
 * in the image's own root: the planned tree is written to a temporary folder,
 * each command runs there with chroot (the image's /bin/sh and its programs,
 * never the host's), and what changed is read back into the tree.
 *
 * For a target the host cannot run natively, the target's qemu-user-static
 * is copied into the root and runs the shell; programs the shell starts need
 * the host's binfmt_misc registration for that architecture (the one
 * qemu-user-static installs), BusyBox applets do not.
 *
 * Builds need no root: a builder that is not root runs the commands chrooted
 * inside a user namespace where it is root (`unshare --map-root-user`). There
 * only root exists, so a command cannot chown to another user (give owners
 * with `files:` or tmpfiles.d instead); entries keep the owners the tree gave
 * them and new ones are root's. A root builder chroots directly, owners and all.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { ImagoError } from '../errors.ts';
import { run } from '../io/exec.ts';
import { readTreeFromDisk, removeTreeFromDisk, writeTreeToDisk } from '../io/tree-on-disk.ts';
import type { PackageSpec } from '../spec/package-schema.ts';
import type { Tree } from '../tree/tree.ts';

export class PackageSetupError extends ImagoError {
  readonly code = 'E_PACKAGE_SETUP';
}

/** The setup commands of a `packages:` list, in spec order, with where each is in the spec. */
export function setupCommands(packages: readonly PackageSpec[] | undefined): { name: string; command: string; at: string }[] {
  return (packages ?? []).flatMap((entry, i) => (typeof entry === 'string' ? [] : (entry.setup ?? []).map((command, j) => ({ name: entry.name, command, at: `packages[${i}].setup[${j}]` }))));
}

/** Architectures whose programs this host runs without emulation. */
export function runsNatively(target: Target): boolean {
  const host = process.arch === 'x64' ? ['x86_64', 'i386'] : process.arch === 'arm64' ? ['aarch64', 'armv7'] : [];
  return host.includes(target.name);
}

const emulatorPath = '.imago-qemu';

/** Runs every setup command of `packages` in `tree`; throws a PackageSetupError naming the failing command. */
export async function runPackageSetup(
  tree: Tree,
  packages: readonly PackageSpec[] | undefined,
  target: Target,
  { rootless = process.getuid?.() !== 0 }: { rootless?: boolean } = {},
): Promise<void> {
  const commands = setupCommands(packages);
  if (commands.length === 0) return;
  const owners = !rootless;
  const dir = await mkdtemp(join(tmpdir(), 'imago-setup-'));
  try {
    const written = await writeTreeToDisk(tree, dir, { owners });
    const native = runsNatively(target);
    if (!native) await copyFile(await hostPath(target.qemu.userBinary), join(dir, emulatorPath));
    for (const { name, command, at } of commands) {
      const shell = native ? ['/bin/sh'] : [`/${emulatorPath}`, '/bin/sh'];
      try {
        const chroot = ['chroot', dir, ...shell, '-c', command];
        const [program, ...args] = rootless ? ['unshare', '--user', '--map-root-user', ...chroot] : chroot;
        await run(program!, args, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LC_ALL: 'C' } });
      } catch (error) {
        throw new PackageSetupError(`${at}: the setup command of ${name} failed: ${command}\n${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
    await rm(join(dir, emulatorPath), { force: true });
    await readTreeFromDisk(tree, dir, written, { owners });
  } finally {
    await removeTreeFromDisk(dir);
  }
}

async function hostPath(command: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', `command -v ${command}`]);
  return stdout.toString().trim();
}
