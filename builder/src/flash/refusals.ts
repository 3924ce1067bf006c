/**
 * Whether `imago flash` may write a target, decided from facts alone: every
 * reason to refuse, each saying what was found and what to do. Pure.
 *
 * ```ts
 * const reasons = flashRefusals(target, host, imageSize);   // [] means go ahead
 * ```
 */
import { formatSize, type FlashTarget, type HostFacts } from './target.ts';

/** Every reason not to write `imageSize` bytes to `target`; empty when it may be written. */
export function flashRefusals(target: FlashTarget, host: HostFacts, imageSize: number): string[] {
  const path = target.path;
  if (target.kind === 'missing') {
    return [`${path} does not exist: expected a block device (/dev/sdX, /dev/mmcblkN) or an existing file standing in for a card (make one with truncate -s 8G ${path})`];
  }
  if (target.kind === 'other') return [`${path} is ${target.what}: expected a block device (/dev/sdX, /dev/mmcblkN) or a regular file`];
  const reasons: string[] = [];
  if (target.sameAsImage) reasons.push(`${path} is the image itself: expected another device or file to write it to`);
  if (imageSize === 0) reasons.push('the image is empty: expected a disk image from imago build --format raw');

  if (target.kind === 'file') {
    if (host.swaps.includes(target.realPath)) reasons.push(`${path} is in use as swap: swapoff ${target.realPath} first`);
    for (const loop of host.loops.filter((l) => l.file === target.realPath)) {
      reasons.push(`${path} is attached to /dev/${loop.name}: detach it first (losetup -d /dev/${loop.name})`);
    }
  } else {
    if (target.partitionOf) reasons.push(`${path} is a partition of /dev/${target.partitionOf}: expected the whole disk (/dev/${target.partitionOf}), as a disk image carries its own partition table`);
    const hostDisk = host.hostDisks.filter((h) => h.disks.includes(target.devices[0]?.name ?? target.name) || h.disks.includes(target.partitionOf ?? ''));
    if (hostDisk.length > 0) reasons.push(`${path} is the disk this host runs from (it holds ${hostDisk.map((h) => h.path).join(', ')}): expected a removable card or a spare disk`);
    for (const device of target.devices) {
      const node = `/dev/${device.name}`;
      for (const mount of host.mounts.filter((m) => m.source === node || m.dev === device.dev)) {
        reasons.push(`${path}: ${node} is mounted on ${mount.mountPoint}: unmount it first (umount ${mount.mountPoint})`);
      }
      if (host.swaps.includes(node)) reasons.push(`${path}: ${node} is in use as swap: swapoff ${node} first`);
      if (device.holders.length > 0) reasons.push(`${path}: ${node} is in use by ${device.holders.map((h) => `/dev/${h}`).join(', ')} (LVM, encryption or RAID): stop it first`);
    }
  }
  if (target.size < imageSize) {
    const grow = target.kind === 'file' ? ` (a file standing in for a card keeps its size: truncate -s ${imageSize} ${path})` : '';
    reasons.push(`${path} holds ${exactSize(target.size)}, the image needs ${exactSize(imageSize)}: expected a larger device${grow}`);
  }
  return [...new Set(reasons)];
}

/** A size with its exact byte count, as two cards of "32 GB" differ by a few megabytes. */
function exactSize(bytes: number): string {
  return bytes < 1e6 ? formatSize(bytes) : `${formatSize(bytes)} (${bytes} bytes)`;
}

/** What to do before writing: go ahead, ask on the terminal, or refuse because nobody can be asked. */
export type Confirmation = { action: 'write' } | { action: 'ask' } | { action: 'refuse'; reason: string };

/** `--yes` writes at once; otherwise ask, which needs a terminal. */
export function confirmation(options: { yes: boolean; tty: boolean }): Confirmation {
  if (options.yes) return { action: 'write' };
  if (options.tty) return { action: 'ask' };
  return { action: 'refuse', reason: 'no terminal to ask for confirmation on: expected --yes to write without asking (for scripts)' };
}

/** The question asked before writing: which device, how big, what it is. */
export function confirmationQuestion(target: FlashTarget, imagePath: string, imageSize: number): string {
  if (target.kind !== 'file' && target.kind !== 'block') return '';
  const what = target.kind === 'block' ? (target.model ? `${target.model}, ` : 'model unknown, ') : 'a regular file, ';
  return `Write ${imagePath} (${formatSize(imageSize)}) to ${target.path} (${what}${formatSize(target.size)})? Everything on ${target.path} will be lost. Type "yes" to go on: `;
}
