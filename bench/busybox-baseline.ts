/**
 * The baseline the init is compared against: the same kernel booting an
 * initramfs whose /init is a BusyBox shell script that mounts the basics,
 * prints a marker and powers off.
 */
import { mkdir, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compress } from '../builder/src/archive/compress.ts';
import { writeCpio } from '../builder/src/archive/cpio-newc.ts';
import { unpackDeb } from '../builder/src/debian/deb.ts';
import { fetchPackages } from '../builder/src/debian/download.ts';
import { silentProgress } from '../builder/src/progress.ts';
import { Tree, bytes } from '../builder/src/tree/tree.ts';

export const baselineMarker = 'BUSYBOX-INIT-READY';

const initScript = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
echo ${baselineMarker}
/bin/busybox poweroff -f
`;

/** Writes an image folder beside `imageDir` that shares its kernel, cmdline and manifest. */
export async function writeBaselineImage(imageDir: string, outDir: string): Promise<string> {
  const tree = new Tree();
  for (const dir of ['proc', 'sys', 'dev']) tree.mkdir(dir);
  tree.add({ path: '/dev/console', kind: 'chardev', mode: 0o600, major: 5, minor: 1 });
  const [busybox] = await fetchPackages(['busybox-static'], 'amd64', silentProgress);
  const packageTree = new Tree();
  await unpackDeb(busybox!.path, packageTree);
  tree.add({ ...packageTree.get('/bin/busybox')!, path: '/bin/busybox' });
  tree.add({ path: '/init', kind: 'file', mode: 0o755, data: bytes(initScript) });
  const dir = join(outDir, 'x86_64');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'initrd.img'), await compress(writeCpio(tree, { mtime: 0 }), 'gzip'));
  for (const name of ['kernel', 'cmdline', 'manifest.json']) await copyFile(join(imageDir, name), join(dir, name));
  return dir;
}
