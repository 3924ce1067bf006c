/**
 * What makes a written slot armable, checked where the files end up: the
 * bundle's signed header kept with the slot (`bundle-header`), a trusted
 * signature over it, this architecture and compatible name, a version newer than the running one
 * and not below the rollback index, and every file hashing to its sha256 in
 * that manifest. PID 1 runs it before it arms a slot, so a request on the
 * control socket can arm only what a signed bundle put there; the writer runs
 * the hashing half after its renames, so it never hands over files it did not
 * verify under their final names.
 *
 * The rollback index is the highest version this device has committed, kept in
 * the ESP's state file; it only goes up, and nothing older can be armed.
 */
import { BundleError, type BundleHeader, type BundleManifest, checkBundle, compareVersions, decodeUtf8, espMount, parseBundleHeader, type Slot, slotBootConfig, stateFile, toHex, type UpdateConfig } from '../../../contract/index.ts';
import { reasonOf, type Sys } from '../sys/sys.ts';

/** The signed header of the bundle a slot was written from, kept next to its files. */
export const headerFile = 'bundle-header';

/** The sha256 (hex) of the file at `path`, read in 1 MiB pieces so no image file is held whole. */
export function hashFile(sys: Sys, path: string): string {
  let fd: number;
  try {
    fd = sys.openRead(path);
  } catch (error) {
    throw new BundleError(`unable to read ${path}: ${reasonOf(error)}`);
  }
  try {
    const hash = sys.sha256();
    for (;;) {
      const chunk = sys.read(fd, 1 << 20);
      if (chunk === undefined) continue;
      if (chunk.length === 0) break;
      hash.update(chunk);
    }
    return toHex(hash.digest());
  } finally {
    sys.close(fd);
  }
}

/** Throws unless every file of `manifest` in `dir` hashes to its sha256 there. */
export function verifyFiles(sys: Sys, dir: string, manifest: BundleManifest): void {
  for (const file of manifest.files) {
    if (hashFile(sys, `${dir}/${file.name}`) !== file.sha256) {
      throw new BundleError(`${file.name} does not match its sha256 in the signed manifest: it changed after it was verified`);
    }
  }
}

/** The rollback index in the ESP's state file: the highest version this device committed, if known. */
export function readRollbackIndex(sys: Sys): string | undefined {
  const bytes = sys.readBytes(`${espMount}/${stateFile}`);
  if (!bytes) return undefined;
  try {
    const index = (JSON.parse(decodeUtf8(bytes)) as { rollbackIndex?: unknown }).rollbackIndex;
    return typeof index === 'string' ? index : undefined;
  } catch {
    return undefined;
  }
}

/** Throws when `version` is older than the rollback index. */
export function checkRollbackIndex(version: string, index: string | undefined): void {
  if (index !== undefined && compareVersions(version, index) < 0) {
    throw new BundleError(`version ${version} is older than version ${index}, which this device has committed (its rollback index): updates never go back`);
  }
}

/**
 * Everything PID 1 checks before it arms `slot` (in `${espMount}/${slot}`):
 * the kept header's signature, arch, compatible name, version (newer than the running one, not
 * below the rollback index), each file's sha256, and boot.cfg as apply writes
 * it. Returns the signed manifest; throws BundleError with the reason.
 */
export function verifySlot(sys: Sys, slot: Slot, config: UpdateConfig, rollbackIndex: string | undefined): BundleManifest {
  const dir = `${espMount}/${slot}`;
  const bytes = sys.readBytes(`${dir}/${headerFile}`);
  if (!bytes) throw new BundleError(`slot ${slot} has no signed bundle header: only a slot written by imagoctl update can be armed`);
  let header: BundleHeader;
  try {
    header = parseBundleHeader(bytes);
  } catch (error) {
    throw new BundleError(`slot ${slot}'s bundle header is damaged: ${reasonOf(error)}`);
  }
  if (header.payloadOffset !== bytes.length) throw new BundleError(`slot ${slot}'s bundle header is damaged: it has bytes after its signature`);
  checkBundle(header, { trusted: config.keys, arch: config.arch, compatible: config.compatible, running: config.version, sha512: (data) => sys.sha512(data) });
  checkRollbackIndex(header.manifest.version, rollbackIndex);
  verifyFiles(sys, dir, header.manifest);
  const cmdline = decodeUtf8(sys.readBytes(`${dir}/cmdline`) ?? new Uint8Array());
  if (decodeUtf8(sys.readBytes(`${dir}/boot.cfg`) ?? new Uint8Array()) !== slotBootConfig(slot, cmdline)) {
    throw new BundleError(`slot ${slot}'s boot.cfg is not the one its command line gives: it changed after it was written`);
  }
  return header.manifest;
}
