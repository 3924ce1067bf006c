/**
 * The update bundle: one file that streams front to back, so a device can check
 * everything that matters before it writes a byte, then hash the payload while
 * writing it. Shared by the builder (writes bundles) and the init (reads them).
 *
 *   "imago-bundle-v1\n"          16 bytes of magic
 *   u32 big-endian + manifest     the signed manifest, JSON (BundleManifest)
 *   u32 big-endian + signature    a detached signature over the manifest bytes, JSON (BundleSignature)
 *   payload                       each file of manifest.files, in order, back to back
 *
 * ```ts
 * const header = parseBundleHeader(firstBytes);   // throws BundleError when malformed or cut short
 * checkBundle(header, { trusted, arch: 'x86_64', running: '1.0', sha512 }); // throws naming the refusal
 * ```
 */
import { decodeUtf8 } from './utf8.ts';
import { verifyEd25519 } from './ed25519.ts';
import { fromHex } from './hex.ts';
import { compareVersions } from './version.ts';

export const bundleMagic = 'imago-bundle-v1\n';
/** Headers are small; anything larger is not a bundle, and the reader never buffers more. */
export const maxHeaderBytes = 64 * 1024;
/** The files of a slot, in payload order. */
export const slotFiles = ['kernel', 'initrd.img', 'cmdline', 'manifest.json'] as const;
export type SlotFile = (typeof slotFiles)[number];

/** One payload file: its size and sha256 (hex). */
export interface BundleFile {
  name: SlotFile;
  size: number;
  sha256: string;
}

/** What the signature covers. */
export interface BundleManifest {
  format: 1;
  /** Image name from the spec. */
  name: string;
  /** Target architecture, e.g. x86_64. */
  arch: string;
  /** Image version (dotted numbers), compared with the running one: only newer installs. */
  version: string;
  files: BundleFile[];
}

export interface BundleSignature {
  algorithm: 'ed25519';
  /** Key id: the first 16 hex digits of the sha256 of the raw public key. */
  key: string;
  /** 64 bytes, hex. */
  signature: string;
}

/** A key the device trusts. */
export interface TrustedKey {
  id: string;
  /** Raw 32-byte Ed25519 public key, hex. */
  publicKey: string;
}

export interface BundleHeader {
  manifest: BundleManifest;
  /** The exact bytes the signature covers. */
  manifestBytes: Uint8Array;
  signature: BundleSignature;
  /** Where the payload starts. */
  payloadOffset: number;
  /** payloadOffset plus every file's size: the size of a complete bundle. */
  totalSize: number;
}

/** A bundle that is malformed or refused; the message says which and why. */
export class BundleError extends Error {}

function u32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(decodeUtf8(bytes));
  } catch {
    throw new BundleError(`the bundle's ${what} is not valid JSON: the file is damaged`);
  }
}

/**
 * How many bytes the header needs: undefined until the first `bytes` show it.
 * Lets a streaming reader know when it has read enough.
 */
export function headerLength(bytes: Uint8Array): number | undefined {
  const m = bundleMagic.length;
  if (bytes.length < m + 4) return undefined;
  const manifestLength = u32(bytes, m);
  if (bytes.length < m + 4 + manifestLength + 4) return Math.max(bytes.length + 1, m + 8 + manifestLength);
  return m + 8 + manifestLength + u32(bytes, m + 4 + manifestLength);
}

/**
 * Parses the header at the start of `bytes`. Throws BundleError when the file is
 * not a bundle, is cut short inside the header, or its manifest lacks a field.
 */
export function parseBundleHeader(bytes: Uint8Array): BundleHeader {
  const m = bundleMagic.length;
  const magic = decodeUtf8(bytes.subarray(0, Math.min(bytes.length, m)));
  if (magic !== bundleMagic) {
    if (bundleMagic.startsWith(magic)) throw new BundleError('the bundle is truncated: it ends inside its header');
    throw new BundleError('not an imago bundle: it does not start with "imago-bundle-v1"');
  }
  const length = headerLength(bytes);
  if (length === undefined || bytes.length < length) throw new BundleError('the bundle is truncated: it ends inside its header');
  if (length > maxHeaderBytes) throw new BundleError(`not an imago bundle: its header claims ${length} bytes`);
  const manifestLength = u32(bytes, m);
  const manifestBytes = bytes.slice(m + 4, m + 4 + manifestLength);
  const manifest = parseJson(manifestBytes, 'manifest') as BundleManifest;
  const signature = parseJson(bytes.subarray(m + 8 + manifestLength, length), 'signature') as BundleSignature;
  const names = manifest?.files?.map((file) => file?.name).join(',');
  if (manifest?.format !== 1 || typeof manifest.arch !== 'string' || typeof manifest.version !== 'string' || names !== slotFiles.join(',')) {
    throw new BundleError(`the bundle's manifest is not format 1 with arch, version and the files ${slotFiles.join(', ')}`);
  }
  for (const file of manifest.files) {
    if (!Number.isSafeInteger(file.size) || file.size < 0 || !/^[0-9a-f]{64}$/.test(file.sha256)) throw new BundleError(`the bundle's manifest has an invalid size or sha256 for ${file.name}`);
  }
  const totalSize = manifest.files.reduce((sum, file) => sum + file.size, length);
  return { manifest, manifestBytes, signature, payloadOffset: length, totalSize };
}

export interface CheckContext {
  trusted: readonly TrustedKey[];
  /** This device's architecture. */
  arch: string;
  /** The running image's version. */
  running: string;
  sha512: (data: Uint8Array) => Uint8Array;
  /** The bundle's size when known in advance (a file); a download finds truncation as it streams. */
  size?: number;
}

/**
 * Everything checked before a byte is written, in order: a trusted key, a valid
 * signature, this architecture, a newer version, a complete file. Throws
 * BundleError with a message for the operator; returns nothing when all pass.
 */
export function checkBundle(header: BundleHeader, context: CheckContext): void {
  const { signature, manifest } = header;
  if (signature?.algorithm !== 'ed25519') throw new BundleError(`the bundle is signed with ${String(signature?.algorithm)}, expected ed25519`);
  const key = context.trusted.find((candidate) => candidate.id === signature.key);
  if (!key) {
    const ids = context.trusted.map((k) => k.id).join(', ') || 'none';
    throw new BundleError(`the bundle is signed by key ${signature.key}, which this image does not trust (trusted: ${ids})`);
  }
  const publicKey = fromHex(key.publicKey);
  const signatureBytes = fromHex(signature.signature);
  if (!publicKey || !signatureBytes || !verifyEd25519(publicKey, header.manifestBytes, signatureBytes, context.sha512)) {
    throw new BundleError(`the bundle's signature does not match its manifest (key ${signature.key}): it was altered or damaged`);
  }
  if (manifest.arch !== context.arch) throw new BundleError(`the bundle is for ${manifest.arch}, this device is ${context.arch}`);
  if (compareVersions(manifest.version, context.running) <= 0) {
    throw new BundleError(`the bundle's version ${manifest.version} is not newer than the running version ${context.running}`);
  }
  if (context.size !== undefined && context.size !== header.totalSize) {
    const problem = context.size < header.totalSize ? 'truncated' : 'too long';
    throw new BundleError(`the bundle is ${problem}: ${context.size} bytes, its manifest says ${header.totalSize}`);
  }
}
