/**
 * The skeleton every image starts from: the directories the init mounts on, the
 * console device the kernel needs before devtmpfs exists, and the small /etc
 * files a Debian system would get from base-files. The accounts base-passwd
 * would create come from image-accounts.ts.
 */
import { bytes, type Tree } from '../tree/tree.ts';

const directories: [string, number][] = [
  ['/bin', 0o755], ['/sbin', 0o755], ['/etc', 0o755], ['/etc/imago', 0o755], ['/lib', 0o755],
  ['/usr/bin', 0o755], ['/usr/sbin', 0o755], ['/usr/share/imago', 0o755],
  ['/proc', 0o555], ['/sys', 0o555], ['/dev', 0o755], ['/run', 0o755], ['/tmp', 0o1777],
  ['/var', 0o755], ['/root', 0o700], ['/home', 0o755], ['/mnt', 0o755],
];

export function addBaseLayout(tree: Tree, imageName: string): void {
  for (const [path, mode] of directories) tree.mkdir(path, mode);
  tree.add({ path: '/dev/console', kind: 'chardev', mode: 0o600, major: 5, minor: 1 });
  tree.add({ path: '/dev/null', kind: 'chardev', mode: 0o666, major: 1, minor: 3 });
  // Written at run time under /run, so DHCP and static setups work on a read-only root.
  tree.add({ path: '/etc/resolv.conf', kind: 'symlink', mode: 0o777, target: '/run/resolv.conf' });
  tree.add({ path: '/etc/mtab', kind: 'symlink', mode: 0o777, target: '/proc/self/mounts' });
  tree.add({ path: '/etc/os-release', kind: 'file', mode: 0o644, data: bytes(`NAME=imago\nID=imago\nID_LIKE=debian\nPRETTY_NAME="imago (${imageName})"\n`) });
  tree.add({ path: '/etc/profile', kind: 'file', mode: 0o644, data: bytes('export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nexport PS1=\'\\h:\\w\\$ \'\n') });
}
