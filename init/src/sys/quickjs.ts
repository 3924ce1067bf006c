/**
 * The real Sys: QuickJS's `os` and `std` modules plus our native module. This is
 * the only file (with boot/) that imports them.
 */
import * as os from 'os';
import * as native from 'imago:native';
import { decodeUtf8, encodeUtf8 } from '../../../contract/index.ts';
import { readBytes } from './read-bytes.ts';
import { decodeWaitStatus } from './signals.ts';
import { SysError, type SpawnRequest, type Sys, type TimerHandle } from './sys.ts';

/** Throws a SysError when a native call returned -errno; passes other results through. */
export function check(result: number, verb: string, object: string): number {
  if (result < 0) throw new SysError(verb, object, -result, native.strerror(-result));
  return result;
}

/** The bytes of `data` in an ArrayBuffer of their own, as the native calls take them. */
export function toBuffer(data: string | Uint8Array): ArrayBuffer {
  const bytes = typeof data === 'string' ? encodeUtf8(data) : data;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Writes all of `data` to `fd`, retrying after a signal and with the remainder
 * after a partial write (a full pipe); throws a SysError naming `object`.
 */
export function writeAll(fd: number, data: string | Uint8Array | ArrayBuffer, object: string): void {
  let rest = data instanceof ArrayBuffer ? data : toBuffer(data);
  for (;;) {
    const written = native.write(fd, rest);
    if (written === -native.EINTR) continue;
    check(written, 'write', object);
    if (written === 0 || written >= rest.byteLength) return;
    rest = rest.slice(written);
  }
}

/** The current read handler of each fd, so a rotation never revives a removed one. */
const readHandlers = new Map<number, { token: object; wrapper: () => void }>();

export const quickjsSys: Sys = {
  now: () => native.monotonicMs(),
  wallClock: () => native.realtimeMs(),
  setTimeout: (callback, ms) => ({ id: os.setTimeout(callback, ms) }),
  clearTimeout: (handle: TimerHandle) => os.clearTimeout(handle.id as ReturnType<typeof os.setTimeout>),
  onReadable(fd, callback) {
    if (!callback) {
      readHandlers.delete(fd);
      os.setReadHandler(fd, null);
      return;
    }
    // The wrapper finds itself through the map by a token, not by referring to itself:
    // a self-referencing closure is a cycle that only QuickJS's slower cycle collector frees.
    const token = {};
    const wrapper = () => {
      const busy = callback();
      // QuickJS calls only the first ready handler of its list per turn: moving a busy one to
      // the back makes the loop round-robin, so a service flooding its pipe cannot starve the
      // control socket or other services. Quiet fds stay put.
      const current = readHandlers.get(fd);
      if (busy === true && current?.token === token) {
        os.setReadHandler(fd, null);
        os.setReadHandler(fd, current.wrapper);
      }
    };
    readHandlers.set(fd, { token, wrapper });
    os.setReadHandler(fd, wrapper);
  },

  spawn(request: SpawnRequest) {
    const pid = native.spawn({
      file: request.command[0]!,
      args: request.command,
      env: request.env,
      cwd: request.cwd,
      stdin: request.stdin ?? -1,
      stdout: request.stdout ?? -1,
      stderr: request.stderr ?? -1,
      setsid: request.setsid ?? true,
      uid: request.uid,
      gid: request.gid,
      groups: request.groups,
      umask: request.umask,
      cgroup: request.cgroup,
    });
    return check(pid, 'start', request.command[0]!);
  },
  kill(pid, signal) {
    const result = os.kill(pid, signal);
    // ESRCH (3 on every Linux architecture): the process is already gone, which is what we wanted.
    if (typeof result === 'number' && result < 0 && result !== -3) check(result, `send signal ${signal} to`, `pid ${pid}`);
  },
  reap() {
    const [pid, status] = os.waitpid(-1, os.WNOHANG);
    if (pid <= 0) return undefined;
    return { pid, status: decodeWaitStatus(status) };
  },
  pipe() {
    const fds = native.pipe();
    if (typeof fds === 'number') check(fds, 'create', 'a pipe');
    return fds as [number, number];
  },
  read(fd, max) {
    const result = native.read(fd, max);
    if (typeof result === 'number') {
      if (result === -native.EAGAIN || result === -native.EINTR) return undefined;
      check(result, 'read', `fd ${fd}`);
      return undefined;
    }
    return new Uint8Array(result);
  },
  write(fd, data) {
    writeAll(fd, data, `fd ${fd}`);
  },
  tryWrite(fd, data) {
    const written = native.write(fd, toBuffer(data));
    if (written === -native.EAGAIN || written === -native.EINTR) return 0;
    return check(written, 'write', `fd ${fd}`);
  },
  close(fd) {
    native.close(fd);
  },
  openAppend(path) {
    const fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640);
    check(fd, 'open', path);
    native.setCloexec(fd, true);
    return fd;
  },

  readText(path) {
    const bytes = readBytes(path);
    return bytes === undefined ? undefined : decodeUtf8(bytes);
  },
  writeText(path, text, mode = 0o644) {
    const fd = check(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), 'open', path);
    try {
      quickjsSys.write(fd, text);
    } finally {
      native.close(fd);
    }
  },
  mkdirs(path, mode = 0o755) {
    let current = '';
    for (const part of path.split('/').filter(Boolean)) {
      current += `/${part}`;
      const result = native.mkdir(current, mode);
      if (result < 0 && result !== -native.EEXIST) check(result, 'create directory', current);
    }
  },
  exists(path) {
    const [, err] = os.stat(path);
    return err === 0;
  },
  fileSize(path) {
    const [info, err] = os.stat(path);
    return err === 0 && (info.mode & os.S_IFMT) === os.S_IFREG ? info.size : undefined;
  },
  rename(from, to) {
    check(native.rename(from, to), 'rename', `${from} to ${to}`);
  },
  remove(path) {
    const result = native.unlink(path);
    if (result < 0 && result !== -native.ENOENT) check(result, 'remove', path);
  },
  onWritable: (fd, callback) => os.setWriteHandler(fd, callback),
  connectTcp(address, port) {
    return check(native.tcpConnect(address, port), 'connect to', `${address}:${port}`);
  },
  listenUnix(path) {
    const fd = check(native.unixListen(path, 16), 'listen on', path);
    native.chmod(path, 0o600);
    return fd;
  },
  accept(fd) {
    const result = native.accept(fd);
    if (result === -native.EAGAIN) return undefined;
    return check(result, 'accept on', `fd ${fd}`);
  },
  connectUnix(path) {
    return check(native.unixConnect(path), 'connect to', path);
  },
  socketError(fd) {
    const errno = native.socketError(fd);
    return { errno, text: errno === 0 ? '' : native.strerror(errno) };
  },
  listDir(path) {
    const [names, err] = os.readdir(path);
    if (err !== 0) return [];
    return names.filter((name) => name !== '.' && name !== '..').sort();
  },
};
