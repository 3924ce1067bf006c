/**
 * The baseline the init is compared against: the same kernel booting an
 * initramfs whose /init is a BusyBox shell script that mounts the basics,
 * prints a marker and powers off. The BusyBox is the image's own, read back
 * from its initrd, so the baseline works on every architecture.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { compress } from '../builder/src/archive/compress.ts';
import { compressionOf, decompress } from '../builder/src/archive/decompress.ts';
import { readCpio } from '../builder/src/archive/cpio-read.ts';
import { writeCpio } from '../builder/src/archive/cpio-newc.ts';
import { Tree, bytes } from '../builder/src/tree/tree.ts';

export const baselineMarker = 'BUSYBOX-INIT-READY';

const initScript = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
echo ${baselineMarker}
/bin/busybox poweroff -f
`;

/**
 * Writes `<outDir>/<arch>/` sharing the kernel, cmdline and manifest of the
 * image folder `imageDir`, its initrd compressed the same way (the kernel's
 * unpacking is part of both boots). Throws when the image has no /bin/busybox.
 */
export async function writeBaselineImage(imageDir: string, outDir: string): Promise<string> {
  const initrd = await readFile(join(imageDir, 'initrd.img'));
  const records = readCpio(await decompress(initrd, join(imageDir, 'initrd.img')));
  const busybox = records.find((record) => record.name.replace(/^\.?\//, '') === 'bin/busybox');
  if (!busybox) throw new Error(`${imageDir}/initrd.img has no /bin/busybox`);
  const tree = new Tree();
  for (const dir of ['proc', 'sys', 'dev']) tree.mkdir(dir);
  tree.add({ path: '/dev/console', kind: 'chardev', mode: 0o600, major: 5, minor: 1 });
  tree.add({ path: '/bin/busybox', kind: 'file', mode: 0o755, data: busybox.data });
  tree.add({ path: '/init', kind: 'file', mode: 0o755, data: bytes(initScript) });
  const dir = join(outDir, basename(imageDir));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'initrd.img'), await compress(writeCpio(tree, { mtime: 0 }), compressionOf(initrd)));
  for (const name of ['kernel', 'cmdline', 'manifest.json']) await copyFile(join(imageDir, name), join(dir, name));
  return dir;
}
