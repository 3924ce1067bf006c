/**
 * `imago verify`: checks a bundle on the host the way a device does, with the
 * same parser and signature check, plus every payload file's sha256.
 *
 * ```ts
 * const manifest = verifyBundle(bytes, [trustedKey]);  // throws BundleError naming the problem
 * ```
 */
import { createHash } from 'node:crypto';
import { BundleError, type BundleManifest, checkBundle, parseBundleHeader, type TrustedKey } from '../../../contract/index.ts';

const sha512 = (data: Uint8Array) => new Uint8Array(createHash('sha512').update(data).digest());

/**
 * Verifies signature (against `trusted`), completeness and hashes of `bytes`.
 * With `device`, also architecture, compatible name (when given) and version as
 * a device running that would.
 * Returns the manifest; throws BundleError with the reason.
 */
export function verifyBundle(bytes: Uint8Array, trusted: readonly TrustedKey[], device?: { arch: string; version: string; compatible?: string }): BundleManifest {
  const header = parseBundleHeader(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)));
  checkBundle(header, { trusted, arch: device?.arch ?? header.manifest.arch, compatible: device?.compatible ?? header.manifest.compatible, running: device?.version ?? '-', sha512, size: bytes.length });
  let offset = header.payloadOffset;
  for (const file of header.manifest.files) {
    const digest = createHash('sha256').update(bytes.subarray(offset, offset + file.size)).digest('hex');
    if (digest !== file.sha256) throw new BundleError(`${file.name} does not match its sha256 in the signed manifest: the bundle was altered or damaged`);
    offset += file.size;
  }
  return header.manifest;
}
