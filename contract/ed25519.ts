/**
 * Ed25519 signature verification (RFC 8032, section 5.1.7) with BigInt, so the
 * init can check update bundles without a crypto library. Only verification:
 * signing happens on the build host (node:crypto). SHA-512 comes from the
 * caller (the native module in the init, node:crypto in tests).
 *
 * ```ts
 * verifyEd25519(publicKey, message, signature, (data) => sha512(data)); // true or false
 * ```
 *
 * Not constant time, which verification of public data does not need.
 */

const P = 2n ** 255n - 19n;
/** The order of the base point. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

const inverse = (a: bigint): bigint => power(a, P - 2n);
const D = mod(-121665n * inverse(121666n));
const D2 = (2n * D) % P;
/** A square root of -1. */
const SQRT_M1 = power(2n, (P - 1n) / 4n);

/** A point in extended coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z, xy = T/Z. */
type Point = readonly [bigint, bigint, bigint, bigint];

const BASE: Point = (() => {
  const x = 15112221349535400772501151409588531511454012693041857206046113283949847762202n;
  const y = 46316835694926478169428394003475163141307993866256225615783033603165251855960n;
  return [x, y, 1n, mod(x * y)];
})();
const ZERO: Point = [0n, 1n, 1n, 0n];

/** Unified addition (add-2008-hwcd-3): also right for doubling. */
function add(p: Point, q: Point): Point {
  const a = mod((p[1] - p[0]) * (q[1] - q[0]));
  const b = mod((p[1] + p[0]) * (q[1] + q[0]));
  const c = mod(p[3] * D2 * q[3]);
  const d = mod(p[2] * 2n * q[2]);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

function multiply(point: Point, scalar: bigint): Point {
  let result = ZERO;
  let addend = point;
  for (let s = scalar; s > 0n; s >>= 1n) {
    if (s & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/**
 * Decodes a compressed point, or undefined when the bytes are not one or not its
 * canonical encoding: y must be below p, and x = 0 must have the sign bit clear.
 */
function decodePoint(bytes: Uint8Array): Point | undefined {
  if (bytes.length !== 32) return undefined;
  const copy = bytes.slice();
  const sign = copy[31]! >> 7;
  copy[31]! &= 0x7f;
  const y = littleEndian(copy);
  if (y >= P) return undefined;
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  const x2 = (u * inverse(v)) % P;
  let x = power(x2, (P + 3n) / 8n);
  if (mod(x * x - x2) !== 0n) x = (x * SQRT_M1) % P;
  if (mod(x * x - x2) !== 0n) return undefined;
  if (x === 0n && sign === 1) return undefined;
  if (Number(x & 1n) !== sign) x = P - x;
  return [x, y, 1n, mod(x * y)];
}

function samePoint(p: Point, q: Point): boolean {
  return mod(p[0] * q[2] - q[0] * p[2]) === 0n && mod(p[1] * q[2] - q[1] * p[2]) === 0n;
}

/**
 * True for the eight points whose order divides 8 (the identity, the all-zero
 * encoding among them): [8]P is the identity exactly for those.
 */
function hasSmallOrder(point: Point): boolean {
  return samePoint(multiply(point, 8n), ZERO);
}

/**
 * Why `publicKey` cannot be trusted as an Ed25519 key, or undefined when it can.
 * decodePoint refuses non-canonical encodings (y of p or more, or the sign bit
 * set where x is 0). A small-order key, such as all zeros or the identity
 * 01 00..00, makes R = identity, S = 0 a valid signature of many messages, so
 * anyone could sign an update for a device that trusted it.
 */
export function ed25519KeyProblem(publicKey: Uint8Array): string | undefined {
  if (publicKey.length !== 32) return `it is ${publicKey.length} bytes, not 32`;
  const a = decodePoint(publicKey);
  if (!a) return 'it is not the canonical encoding of a point on the curve';
  if (hasSmallOrder(a)) return 'it is a point of small order, for which anyone can forge a signature';
  return undefined;
}

/**
 * True when `signature` (64 bytes) is a valid Ed25519 signature of `message`
 * by `publicKey` (32 bytes). `sha512` hashes a byte string. Malformed keys
 * or signatures give false, never an exception; so do keys ed25519KeyProblem
 * refuses, and points (key or R) that are not canonically encoded.
 */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, sha512: (data: Uint8Array) => Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const a = decodePoint(publicKey);
  const r = decodePoint(signature.subarray(0, 32));
  if (!a || !r || hasSmallOrder(a)) return false;
  const s = littleEndian(signature.subarray(32));
  if (s >= L) return false;
  const input = new Uint8Array(64 + message.length);
  input.set(signature.subarray(0, 32), 0);
  input.set(publicKey, 32);
  input.set(message, 64);
  const k = littleEndian(sha512(input)) % L;
  return samePoint(multiply(BASE, s), add(r, multiply(a, k)));
}
