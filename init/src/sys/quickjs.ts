/**
 * The real Sys: QuickJS's `os` and `std` modules plus our native module. This is
 * the only file that imports them (sys/seam.test.ts checks it).
 */
import * as os from 'os';
import * as std from 'std';
import * as native from 'imago:native';
import { decodeUtf8, encodeUtf8 } from '../../../contract/index.ts';
import { decodeWaitStatus } from './signals.ts';
import { SysError, type MountFlag, type RebootKind, type SpawnRequest, type Sys, type TimerHandle } from './sys.ts';

/** Throws a SysError when a native call returned -errno; passes other results through. */
function check(result: number, verb: string, object: string): number {
  if (result < 0) throw new SysError(verb, object, -result, native.strerror(-result));
  return result;
}

/** The bytes of `data` in an ArrayBuffer of their own, as the native calls take them. */
function toBuffer(data: string | Uint8Array): ArrayBuffer {
  const bytes = typeof data === 'string' ? encodeUtf8(data) : data;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Writes all of `data` to `fd`, retrying after a signal and with the remainder
 * after a partial write (a full pipe); throws a SysError naming `object`.
 */
function writeAll(fd: number, data: string | Uint8Array | ArrayBuffer, object: string): void {
  let rest = data instanceof ArrayBuffer ? data : toBuffer(data);
  for (;;) {
    const written = native.write(fd, rest);
    if (written === -native.EINTR) continue;
    check(written, 'write', object);
    if (written === 0 || written >= rest.byteLength) return;
    rest = rest.slice(written);
  }
}

/**
 * Reads a whole file by descriptor until end of file, or undefined when it cannot
 * be read. Not std.loadFile: it sizes the file with ftell, so /proc and cgroupfs
 * files read as empty.
 */
function readBytes(path: string): Uint8Array | undefined {
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

const mountFlags: Record<MountFlag, number> = {
  nosuid: native.MS_NOSUID,
  nodev: native.MS_NODEV,
  noexec: native.MS_NOEXEC,
  relatime: native.MS_RELATIME,
  readonly: native.MS_RDONLY,
  bind: native.MS_BIND,
};

const rebootCommands: Record<RebootKind, number> = {
  reboot: native.RB_AUTOBOOT,
  halt: native.RB_HALT_SYSTEM,
  poweroff: native.RB_POWER_OFF,
};

/** The current read handler of each fd, so a rotation never revives a removed one. */
const readHandlers = new Map<number, { token: object; wrapper: () => void }>();

export const quickjsSys: Sys = {
  errno: {
    EAGAIN: native.EAGAIN,
    EINTR: native.EINTR,
    EEXIST: native.EEXIST,
    ENOENT: native.ENOENT,
    EBUSY: native.EBUSY,
    EPIPE: native.EPIPE,
    ESRCH: native.ESRCH,
  },
  signals: {
    HUP: native.SIGHUP,
    INT: native.SIGINT,
    QUIT: native.SIGQUIT,
    KILL: native.SIGKILL,
    USR1: native.SIGUSR1,
    USR2: native.SIGUSR2,
    PIPE: native.SIGPIPE,
    TERM: native.SIGTERM,
    CHLD: native.SIGCHLD,
    CONT: native.SIGCONT,
    STOP: native.SIGSTOP,
    PWR: native.SIGPWR,
  },

  now: () => native.monotonicMs(),
  wallClock: () => native.realtimeMs(),
  setWallClock: (ms) => void check(native.setRealtimeMs(ms), 'set', 'the clock'),
  setTimeout: (callback, ms) => ({ id: os.setTimeout(callback, ms) }),
  clearTimeout: (handle: TimerHandle) => os.clearTimeout(handle.id as ReturnType<typeof os.setTimeout>),
  sleep: (ms) => os.sleep(ms),
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
    // ESRCH: the process is already gone, which is what we wanted.
    if (typeof result === 'number' && result < 0 && result !== -native.ESRCH) check(result, `send signal ${signal} to`, `pid ${pid}`);
  },
  getpid: () => native.getpid(),
  wait(pid) {
    for (;;) {
      const [ret, status] = os.waitpid(pid, 0);
      if (ret === pid) return decodeWaitStatus(status);
      if (ret < 0 && ret !== -native.EINTR) check(ret, 'wait for', `pid ${pid}`);
    }
  },
  signalfd(signals) {
    return check(native.signalfd(signals), 'create', 'a signalfd');
  },
  readSignal(fd) {
    const signal = native.readSignal(fd);
    return signal > 0 ? signal : undefined;
  },
  becomeSubreaper() {
    check(native.setChildSubreaper(true), 'become', 'a child subreaper');
  },
  getenv: (name) => std.getenv(name),
  setenv: (name, value) => std.setenv(name, value),
  exec(path, args) {
    const result = native.execv(path, args);
    check(result < 0 ? result : -1, 'exec', args[0] ?? path);
    throw new Error('unreachable');
  },
  exit: (code) => std.exit(code),
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
  write(fd, data, name) {
    writeAll(fd, data, name ?? `fd ${fd}`);
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

  openRead(path) {
    return check(os.open(path, os.O_RDONLY), 'open', path);
  },
  create(path, mode = 0o644) {
    return check(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), 'create', path);
  },
  createExclusive(path, mode = 0o644) {
    return check(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), 'create', path);
  },
  openWrite(path) {
    return check(os.open(path, os.O_WRONLY), 'open', path);
  },
  openDevice(path, access) {
    const fd = check(os.open(path, (access === 'read' ? os.O_RDONLY : os.O_WRONLY | native.O_NOCTTY) | native.O_NONBLOCK), 'open', path);
    native.setCloexec(fd, true);
    return fd;
  },
  fsync(fd, name) {
    check(native.fsync(fd), 'sync', name ?? `fd ${fd}`);
  },
  seek(fd, offset) {
    check(os.seek(fd, offset, std.SEEK_SET), 'seek', `fd ${fd}`);
  },

  readBytes,
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
  statSize(path) {
    const [info, err] = os.stat(path);
    return err === 0 ? info.size : undefined;
  },
  remove(path) {
    const result = native.unlink(path);
    if (result < 0 && result !== -native.ENOENT) check(result, 'remove', path);
  },
  symlink(target, path) {
    check(native.symlink(target, path), 'create symlink', path);
  },
  lstat(path) {
    // QuickJS reports errno here as a positive second element.
    const [info, err] = os.lstat(path);
    if (err !== 0) return undefined;
    const type = info.mode & os.S_IFMT;
    const kind = type === os.S_IFREG ? 'file' : type === os.S_IFDIR ? 'directory' : type === os.S_IFLNK ? 'symlink' : 'other';
    return { kind, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  },
  readlink(path) {
    const [target, err] = os.readlink(path);
    if (err !== 0) throw new SysError('read symlink', path, err, native.strerror(err));
    return target;
  },
  chmod(path, mode) {
    check(native.chmod(path, mode), 'change the mode of', path);
  },
  chown(path, uid, gid) {
    check(native.chown(path, uid, gid), 'change the owner of', path);
  },
  onWritable: (fd, callback) => os.setWriteHandler(fd, callback),
  connectTcp(address, port) {
    return check(native.tcpConnect(address, port), 'connect to', `${address}:${port}`);
  },
  listenUnix(path, mode = 0o600) {
    const fd = check(native.unixListen(path, 16), 'listen on', path);
    native.chmod(path, mode);
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
  peerCredentials(fd) {
    const result = native.peerCredentials(fd);
    if (typeof result === 'number') throw new SysError('read the peer credentials of', `fd ${fd}`, -result, native.strerror(-result));
    const [pid, uid, gid] = result;
    return { pid, uid, gid };
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

  mount(source, target, fstype, flags, data) {
    const bits = flags.reduce((all, flag) => all | mountFlags[flag], 0);
    check(native.mount(source, target, fstype, bits, data), `mount ${fstype} on`, target);
  },
  remount(target, flags, data) {
    const bits = flags.reduce((all, flag) => all | mountFlags[flag], native.MS_REMOUNT);
    check(native.mount('', target, '', bits, data), 'remount', `${target} ${flags.includes('readonly') ? 'read-only' : 'read-write'}`);
  },
  remountReadOnly(target) {
    check(native.mount('', target, '', native.MS_REMOUNT | native.MS_RDONLY, ''), 'remount', `${target} read-only`);
  },
  moveMount(source, target) {
    check(native.mount(source, target, '', native.MS_MOVE, ''), `move the mount at ${source} to`, target);
  },
  changeDir(path) {
    check(os.chdir(path), 'change to the folder', path);
  },
  changeRoot(path) {
    check(native.chroot(path), 'change the root to', path);
  },
  unmount(target, detach) {
    check(native.umount2(target, detach ? native.MNT_DETACH : 0), 'unmount', target);
  },
  sync: () => native.sync(),
  reboot(kind) {
    check(native.reboot(rebootCommands[kind]), kind, '');
  },
  catchCtrlAltDel() {
    // LINUX_REBOOT_CMD_CAD_OFF.
    check(native.reboot(0), 'turn off', 'the Ctrl-Alt-Del reset');
  },
  setHostname(name) {
    check(native.sethostname(name), 'set the hostname', '');
  },
  loadModule(path) {
    check(native.finitModule(path, ''), 'load module', path);
  },
  setInterfaceUp(name, up) {
    check(native.setInterfaceUp(name, up), up ? 'bring up' : 'bring down', name);
  },

  sha256() {
    const context = native.sha256Init();
    return {
      update: (data) => native.sha256Update(context, toBuffer(data)),
      digest: () => new Uint8Array(native.sha256Final(context)),
    };
  },
  sha512: (data) => new Uint8Array(native.sha512(toBuffer(data))),
};
