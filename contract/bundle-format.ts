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
 * checkBundle(header, { trusted, arch: 'x86_64', compatible: 'gateway-x86_64', running: '1.0', sha512 }); // throws naming the refusal
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

/**
 * The compatible name of an image whose spec sets no `update.compatible`: its
 * name and architecture, so by default an image installs only its own bundles.
 */
export function defaultCompatible(name: string, arch: string): string {
  return `${name}-${arch}`;
}

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
  /**
   * Which images may install it (spec `update.compatible`, default `<name>-<arch>`):
   * a device refuses a bundle whose value is not its own, even when a key it
   * trusts signed it, so one key can sign several products.
   */
  compatible: string;
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

/** A value as a refusal quotes it: JSON, shortened; "missing" for undefined. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses a field of `object` that is not in `known`; `what` names the object in the message. */
function onlyFields(object: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) throw new BundleError(`the bundle's ${what} has an unknown field ${JSON.stringify(key)}`);
  }
}

function stringField(object: Record<string, unknown>, key: string, what: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw new BundleError(`the bundle's ${what}'s ${key} is ${describe(value)}, expected a string`);
  return value;
}

/**
 * The manifest, checked field by field: exactly format 1, name, arch, version
 * (strings), compatible (a non-empty string) and files, which lists exactly slotFiles in that order, each with a
 * whole number size and a lowercase hex sha256, and no other field anywhere.
 */
function parseManifest(value: unknown): BundleManifest {
  if (!isObject(value)) throw new BundleError(`the bundle's manifest is not a JSON object: it is ${describe(value)}`);
  onlyFields(value, ['format', 'name', 'arch', 'compatible', 'version', 'files'], 'manifest');
  if (value.format !== 1) throw new BundleError(`the bundle's manifest's format is ${describe(value.format)}, expected 1`);
  const name = stringField(value, 'name', 'manifest');
  const arch = stringField(value, 'arch', 'manifest');
  const compatible = stringField(value, 'compatible', 'manifest');
  if (compatible === '') throw new BundleError(`the bundle's manifest's compatible is "", expected the name of the images it is for`);
  const version = stringField(value, 'version', 'manifest');
  const list = value.files;
  if (!Array.isArray(list)) throw new BundleError(`the bundle's manifest's files is ${describe(list)}, expected an array`);
  if (list.length !== slotFiles.length) {
    throw new BundleError(`the bundle's manifest lists ${list.length} files, expected ${slotFiles.length}: ${slotFiles.join(', ')}`);
  }
  const files = slotFiles.map((expected, index): BundleFile => {
    const entry: unknown = list[index];
    const what = `manifest's files[${index}]`;
    if (!isObject(entry)) throw new BundleError(`the bundle's ${what} is ${describe(entry)}, expected an object`);
    onlyFields(entry, ['name', 'size', 'sha256'], what);
    if (entry.name !== expected) throw new BundleError(`the bundle's ${what}.name is ${describe(entry.name)}, expected ${JSON.stringify(expected)}`);
    const size = entry.size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new BundleError(`the bundle's ${what}.size is ${describe(size)}, expected a whole number of bytes`);
    }
    const sha256 = entry.sha256;
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new BundleError(`the bundle's ${what}.sha256 is ${describe(sha256)}, expected 64 lowercase hex digits`);
    }
    return { name: expected, size, sha256 };
  });
  return { format: 1, name, arch, compatible, version, files };
}

/** The signature's fields, type-checked; checkBundle judges their values. */
function parseSignature(value: unknown): BundleSignature {
  if (!isObject(value)) throw new BundleError(`the bundle's signature is not a JSON object: it is ${describe(value)}`);
  onlyFields(value, ['algorithm', 'key', 'signature'], 'signature');
  const algorithm = stringField(value, 'algorithm', 'signature');
  const key = stringField(value, 'key', 'signature');
  const signature = stringField(value, 'signature', 'signature');
  return { algorithm: algorithm as BundleSignature['algorithm'], key, signature };
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
 * not a bundle, is cut short inside the header, or its manifest or signature is
 * malformed: a missing, unknown or mistyped field, or files other than slotFiles
 * in that order.
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
  const manifest = parseManifest(parseJson(manifestBytes, 'manifest'));
  const signature = parseSignature(parseJson(bytes.subarray(m + 8 + manifestLength, length), 'signature'));
  const totalSize = manifest.files.reduce((sum, file) => sum + file.size, length);
  if (!Number.isSafeInteger(totalSize)) throw new BundleError("the bundle's manifest is malformed: its files add up to more bytes than a bundle can have");
  return { manifest, manifestBytes, signature, payloadOffset: length, totalSize };
}

export interface CheckContext {
  trusted: readonly TrustedKey[];
  /** This device's architecture. */
  arch: string;
  /** The running image's compatible name: a bundle must carry exactly this one. */
  compatible: string;
  /** The running image's version. */
  running: string;
  sha512: (data: Uint8Array) => Uint8Array;
  /** The bundle's size when known in advance (a file); a download finds truncation as it streams. */
  size?: number;
}

/**
 * Everything checked before a byte is written, in order: a trusted key, a valid
 * signature, this architecture, this image's compatible name, a newer version,
 * a complete file. Throws
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
  if (manifest.compatible !== context.compatible) {
    throw new BundleError(
      `the bundle is for images compatible with ${JSON.stringify(manifest.compatible)}, this image is ${JSON.stringify(context.compatible)} (update.compatible in the spec): it was built for another product`,
    );
  }
  if (compareVersions(manifest.version, context.running) <= 0) {
    throw new BundleError(`the bundle's version ${manifest.version} is not newer than the running version ${context.running}`);
  }
  if (context.size !== undefined && context.size !== header.totalSize) {
    const problem = context.size < header.totalSize ? 'truncated' : 'too long';
    throw new BundleError(`the bundle is ${problem}: ${context.size} bytes, its manifest says ${header.totalSize}`);
  }
}
