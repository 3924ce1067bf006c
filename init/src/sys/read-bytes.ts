/**
 * Reads a whole file by descriptor until end of file. Not std.loadFile: it sizes
 * the file with ftell, so /proc and cgroupfs files read as empty.
 */
import * as os from 'os';
import * as native from 'imago:native';

/** The file's bytes, or undefined when it cannot be read. */
export function readBytes(path: string): Uint8Array | undefined {
  const fd = os.open(path, os.O_RDONLY);
  if (fd < 0) return undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = native.read(fd, 1 << 20);
      if (typeof chunk === 'number') {
        if (chunk === -native.EINTR) continue;
        return undefined;
      }
      if (chunk.byteLength === 0) break;
      chunks.push(new Uint8Array(chunk));
      total += chunk.byteLength;
    }
  } finally {
    native.close(fd);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}
