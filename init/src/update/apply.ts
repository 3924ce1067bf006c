/**
 * `imagoctl update FILE|URL`, the writing half of the update agent, run in the
 * imagoctl process so PID 1 never holds a bundle: read the header, check key,
 * signature, architecture, compatible name, version (and, for a file, its size) before writing
 * anything; then stream each payload file into the inactive slot under a
 * temporary name while hashing it, refuse on the first mismatch, rename the
 * files into place, sync, and hand over to PID 1, which arms the slot and reboots.
 *
 * Power-cut safety: until PID 1 rewrites the bootloader's environment
 * (grubenv or U-Boot's: slot-store.ts), the bootloader never looks at the
 * inactive slot, and PID 1 arms only a slot with boot.cfg, which is removed
 * first and written last, so a half-written slot is harmless; the running slot
 * is never opened for writing. apply.test.ts cuts the power at every step.
 */
import { bootedSlot, BundleError, type BundleHeader, bundleMagic, checkBundle, decodeUtf8, espMount, headerLength, maxHeaderBytes, otherSlot, parseBundleHeader, type Slot, slotBootConfig, slotFiles, toHex, type UpdateConfig } from '../../../contract/index.ts';
import { reasonOf, type Sys } from '../sys/sys.ts';
import { withWritableEsp } from './esp-mount.ts';
import { replaceFile, syncPath, writeDurably } from './files.ts';
import { takeUpdateLock } from './lock.ts';
import { openSlotStore } from './slot-store.ts';
import { checkRollbackIndex, headerFile, readRollbackIndex, verifyFiles } from './verify.ts';

/** A byte source read front to back: a file or a download's pipe. */
interface Source {
  /** Up to `max` bytes; empty at the end. */
  read(max: number): Uint8Array;
  size?: number;
  close(): void;
}

function openSource(sys: Sys, location: string): Source {
  if (/^https?:\/\//.test(location)) {
    // BusyBox wget streams the download to a pipe: nothing is stored in RAM or on disk first.
    const fds = sys.pipe();
    let started: unknown;
    try {
      sys.spawn({ command: ['/bin/busybox', 'wget', '-q', '-O', '-', location], env: ['PATH=/bin:/usr/bin'], stdout: fds[1], stderr: 2, stdin: -1, setsid: false });
    } catch (error) {
      started = error;
    }
    sys.close(fds[1]);
    if (started !== undefined) throw new Error(`unable to start wget: ${reasonOf(started)}`);
    return { read: (max) => readChunk(sys, fds[0], max), close: () => sys.close(fds[0]) };
  }
  let fd: number;
  try {
    fd = sys.openRead(location);
  } catch (error) {
    throw new BundleError(`unable to open ${location}: ${reasonOf(error)}`);
  }
  return { read: (max) => readChunk(sys, fd, max), size: sys.statSize(location), close: () => sys.close(fd) };
}

function readChunk(sys: Sys, fd: number, max: number): Uint8Array {
  for (;;) {
    let chunk: Uint8Array | undefined;
    try {
      chunk = sys.read(fd, max);
    } catch (error) {
      throw new Error(`unable to read the bundle: ${reasonOf(error)}`);
    }
    // undefined: interrupted by a signal (the fd blocks), so read again.
    if (chunk !== undefined) return chunk;
  }
}

/** Reads until `wanted` bytes are buffered or the source ends. */
function fill(source: Source, buffered: Uint8Array, wanted: number): Uint8Array {
  let data = buffered;
  while (data.length < wanted) {
    const chunk = source.read(Math.max(65536, wanted - data.length));
    if (chunk.length === 0) break;
    const joined = new Uint8Array(data.length + chunk.length);
    joined.set(data);
    joined.set(chunk, data.length);
    data = joined;
  }
  return data;
}

/**
 * The bytes of the header, and whatever of the payload came with them. A slow
 * link delivers it in small pieces: each length field tells how much more to
 * wait for, so reading repeats until the header is whole, the source ends, or
 * the header would pass maxHeaderBytes (parseBundleHeader then says which).
 */
function readHeader(source: Source): Uint8Array {
  let data: Uint8Array = new Uint8Array();
  for (;;) {
    const needed = headerLength(data) ?? bundleMagic.length + 4;
    if (needed > maxHeaderBytes || data.length >= needed) return data;
    const more = fill(source, data, needed);
    if (more.length === data.length) return data;
    data = more;
  }
}

export interface ApplyResult {
  slot: Slot;
  version: string;
  bytes: number;
  seconds: number;
  /**
   * Releases the update lock, which a successful run keeps so that no other run
   * can touch the slot before PID 1 has armed it: call it once PID 1 answered.
   */
  release(): void;
}

/**
 * Checks the bundle at `location` and writes it into the inactive slot.
 * Throws BundleError (refused: nothing armed) with the reason.
 */
export function applyBundle(sys: Sys, config: UpdateConfig, location: string, log: (line: string) => void): ApplyResult {
  const started = sys.now();
  // One update at a time, from the first check until the slot is armed (lock.ts).
  const release = takeUpdateLock(sys);
  try {
    return { ...writeSlot(sys, config, location, log, started), release };
  } catch (error) {
    release();
    throw error;
  }
}

function writeSlot(sys: Sys, config: UpdateConfig, location: string, log: (line: string) => void, started: number): Omit<ApplyResult, 'release'> {
  let env;
  try {
    env = openSlotStore(sys).read();
  } catch (error) {
    throw new BundleError(`unable to read the slot state: ${reasonOf(error)}`);
  }
  const booted = bootedSlot(decodeUtf8(sys.readBytes('/proc/cmdline') ?? new Uint8Array())) ?? 'A';
  if (!env) throw new BundleError('the ESP is not mounted: this device was not booted from an imago disk image');
  if (env.trial) throw new BundleError(`slot ${env.trial} is still on trial; wait until it is committed or rolled back`);
  if (booted !== env.committed) throw new BundleError(`the running slot ${booted} is not the committed one (${env.committed}); reboot first`);

  const source = openSource(sys, location);
  try {
    const buffered = readHeader(source);
    const header = parseBundleHeader(buffered);
    checkBundle(header, { trusted: config.keys, arch: config.arch, compatible: config.compatible, running: config.version, sha512: (data) => sys.sha512(data), size: source.size });
    const { manifest } = header;
    checkRollbackIndex(manifest.version, readRollbackIndex(sys));
    const slot = otherSlot(booted);
    log(`update: ${manifest.name} ${manifest.version} for ${manifest.arch}: signature good (key ${header.signature.key}); writing slot ${slot}`);
    // The ESP is writable only from here to the end of the write (esp-mount.ts).
    const bytes = withWritableEsp(sys, log, () => writeFiles(sys, slot, source, buffered, header));
    return { slot, version: manifest.version, bytes, seconds: (sys.now() - started) / 1000 };
  } finally {
    source.close();
  }
}

/**
 * Writes the payload of the checked bundle into `slot`, boot.cfg last; returns
 * the payload bytes written. On any failure the slot is left without boot.cfg,
 * so it can never be armed. Runs while the ESP is writable.
 */
function writeFiles(sys: Sys, slot: Slot, source: Source, buffered: Uint8Array, header: BundleHeader): number {
  const { manifest } = header;
  const dir = `${espMount}/${slot}`;
  try {
    // The inactive slot is emptied first: the ESP has room for two slots, not three.
    sys.mkdirs(dir, 0o755);
    // boot.cfg goes first, and must go: with it, the agent takes the slot for complete, so
    // a power cut while the old files are removed would leave an incomplete slot armable.
    sys.remove(`${dir}/boot.cfg`);
    for (const name of [...[...slotFiles, headerFile].flatMap((n) => [n, `${n}.new`]), 'boot.cfg.new']) removeQuietly(sys, `${dir}/${name}`);
    let pending = buffered.subarray(header.payloadOffset);
    let total = 0;
    for (const file of manifest.files) {
      const path = `${dir}/${file.name}.new`;
      const fd = sys.create(path, 0o644);
      const hash = sys.sha256();
      let left = file.size;
      try {
        while (left > 0) {
          if (pending.length === 0) pending = source.read(Math.min(1 << 20, left));
          if (pending.length === 0) throw new BundleError(`the bundle is truncated: ${file.name} ended after ${file.size - left} of ${file.size} bytes`);
          const piece = pending.subarray(0, Math.min(left, pending.length));
          pending = pending.subarray(piece.length);
          hash.update(piece);
          sys.write(fd, piece, path);
          left -= piece.length;
        }
        sys.fsync(fd, path);
      } finally {
        sys.close(fd);
      }
      const digest = toHex(hash.digest());
      if (digest !== file.sha256) throw new BundleError(`${file.name} does not match its sha256 in the signed manifest: the bundle was altered or damaged`);
      total += file.size;
    }
    if (pending.length > 0 || source.read(1).length > 0) throw new BundleError('the bundle is longer than its manifest says: it was altered');
    // The signed header stays with the slot: PID 1 verifies the slot against it before arming.
    writeDurably(sys, `${dir}/${headerFile}.new`, buffered.subarray(0, header.payloadOffset));
    for (const name of [...manifest.files.map((file) => file.name), headerFile]) sys.rename(`${dir}/${name}.new`, `${dir}/${name}`);
    // Hashed again under their final names: what was hashed through a descriptor is what gets armed.
    verifyFiles(sys, dir, manifest);
    const cmdline = decodeUtf8(sys.readBytes(`${dir}/cmdline`) ?? new Uint8Array());
    // boot.cfg last: the agent treats a slot without it as incomplete.
    replaceFile(sys, `${dir}/boot.cfg`, slotBootConfig(slot, cmdline));
    syncPath(sys, dir);
    sys.sync();
    return total;
  } catch (error) {
    // A refused or failed write leaves the inactive slot without boot.cfg, so it can never be armed.
    removeQuietly(sys, `${dir}/boot.cfg`);
    throw error;
  }
}

/** Removes a file if it can: what is left over is overwritten or ignored anyway. */
function removeQuietly(sys: Sys, path: string): void {
  try {
    sys.remove(path);
  } catch {
    // Nothing to do: a leftover without boot.cfg is never armed.
  }
}
