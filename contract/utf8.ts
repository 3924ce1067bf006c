/**
 * UTF-8 decoding for QuickJS, which has no TextDecoder. Invalid or truncated
 * sequences become U+FFFD, as TextDecoder would make them.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  // The WHATWG decoder's algorithm: a broken sequence yields one U+FFFD for its
  // maximal valid prefix, and the offending byte is read again as a new start.
  let out = '';
  let units: number[] = [];
  let needed = 0;
  let seen = 0;
  let code = 0;
  let lower = 0x80;
  let upper = 0xbf;
  const push = (value: number) => {
    if (value > 0xffff) units.push(0xd800 + ((value - 0x10000) >> 10), 0xdc00 + ((value - 0x10000) & 0x3ff));
    else units.push(value);
    if (units.length > 4096) {
      out += String.fromCharCode(...units);
      units = [];
    }
  };
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (needed === 0) {
      if (byte < 0x80) push(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) [needed, code] = [1, byte & 0x1f];
      else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        [needed, code] = [2, byte & 0xf];
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        [needed, code] = [3, byte & 0x7];
      } else push(0xfffd);
      continue;
    }
    if (byte < lower || byte > upper) {
      [needed, seen, code, lower, upper] = [0, 0, 0, 0x80, 0xbf];
      push(0xfffd);
      i--;
      continue;
    }
    [lower, upper] = [0x80, 0xbf];
    code = (code << 6) | (byte & 0x3f);
    if (++seen === needed) {
      push(code);
      [needed, seen, code] = [0, 0, 0];
    }
  }
  if (needed > 0) push(0xfffd);
  return out + String.fromCharCode(...units);
}

/** UTF-8 encoding for QuickJS, which has no TextEncoder. Lone surrogates become U+FFFD. */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) out[n++] = code;
    else if (code < 0x800) {
      out[n++] = 0xc0 | (code >> 6);
      out[n++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      out[n++] = 0xe0 | (code >> 12);
      out[n++] = 0x80 | ((code >> 6) & 0x3f);
      out[n++] = 0x80 | (code & 0x3f);
    } else {
      out[n++] = 0xf0 | (code >> 18);
      out[n++] = 0x80 | ((code >> 12) & 0x3f);
      out[n++] = 0x80 | ((code >> 6) & 0x3f);
      out[n++] = 0x80 | (code & 0x3f);
    }
  }
  return out.slice(0, n);
}
