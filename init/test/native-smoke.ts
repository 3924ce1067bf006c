/**
 * A smoke program for the init runtime, run on the build host by
 * native.test.ts: it exercises `imago:native` together with QuickJS's `os`
 * and `std`, prints one JSON object of observations on stdout, and finally
 * execs `sh` to show the exec'd program's signal mask.
 *
 *   init-smoke <scratch-dir>
 *
 * It deliberately checks nothing itself: the ava test asserts on the JSON.
 */
import * as native from 'imago:native';
import * as os from 'os';
import * as std from 'std';

const scratch = scriptArgs[1] ?? '/tmp';
const env = ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'];
const results: Record<string, unknown> = {};

function text(buffer: ArrayBuffer): string {
  let s = '';
  for (const byte of new Uint8Array(buffer)) s += String.fromCharCode(byte);
  return s;
}

/** Reads a blocking fd to end of file. */
function readAll(fd: number): string {
  let out = '';
  for (;;) {
    const chunk = native.read(fd, 4096);
    if (typeof chunk === 'number') throw new Error(`read: ${native.strerror(chunk)}`);
    if (chunk.byteLength === 0) return out;
    out += text(chunk);
  }
}

function pipe(): [number, number] {
  const fds = native.pipe();
  if (typeof fds === 'number') throw new Error(`pipe: ${native.strerror(fds)}`);
  return fds;
}

/** Spawns a program with stdout and stderr on pipes; its output and exit status. */
function run(options: Omit<native.SpawnOptions, 'env'> & { env?: string[] }) {
  const [outR, outW] = pipe();
  const [errR, errW] = pipe();
  const pid = native.spawn({ env, ...options, stdin: -1, stdout: outW, stderr: errW });
  native.close(outW);
  native.close(errW);
  const stdout = readAll(outR);
  const stderr = readAll(errR);
  native.close(outR);
  native.close(errR);
  const [, status] = os.waitpid(pid, 0);
  return { pid, stdout, stderr, status };
}

/** Resolves once `fd` is readable (or writable). */
function ready(fd: number, write = false): Promise<void> {
  return new Promise((resolve) => {
    const set = write ? os.setWriteHandler : os.setReadHandler;
    set(fd, () => {
      set(fd, null);
      resolve();
    });
  });
}

// Clocks.
const t0 = native.monotonicMs();
os.sleep(20);
results.clock = { elapsedMs: native.monotonicMs() - t0, realtimeSkewMs: Math.abs(native.realtimeMs() - Date.now()) };
results.pid = { native: native.getpid(), os: os.getpid() };
results.strerror = native.strerror(-native.ENOENT);

// Pipes, non-blocking reads.
{
  const [r, w] = pipe();
  const written = native.write(w, 'héllo');
  const bytes = native.write(w, new Uint8Array([33, 10]).buffer);
  const chunk = native.read(r, 100);
  native.setNonblock(r, true);
  const empty = native.read(r, 100);
  native.close(w);
  native.setNonblock(r, false);
  const eof = native.read(r, 100);
  results.pipe = {
    written,
    bytes,
    data: typeof chunk === 'number' ? chunk : text(chunk),
    emptyNonblocking: empty,
    eofLength: typeof eof === 'number' ? eof : eof.byteLength,
    setCloexec: native.setCloexec(r, true),
  };
  native.close(r);
}

// Files and directories.
{
  const old = native.umask(0o022);
  const dir = `${scratch}/d`;
  const mk = native.mkdir(dir, 0o777);
  const mode = os.stat(dir)[0].mode & 0o7777;
  const again = native.mkdir(dir, 0o777);
  const chmod = native.chmod(dir, 0o700);
  const chmodded = os.stat(dir)[0].mode & 0o7777;
  const symlink = native.symlink('d', `${scratch}/link`);
  const [target] = os.readlink(`${scratch}/link`);
  const fd = os.open(`${scratch}/d/f`, os.O_WRONLY | os.O_CREAT, 0o644);
  const fsync = native.fsync(fd);
  os.close(fd);
  const chown = native.chown(`${scratch}/d/f`, 65534, 65534);
  const owner = os.stat(`${scratch}/d/f`)[0].uid;
  const rename = native.rename(`${scratch}/d/f`, `${scratch}/d/g`);
  const fifo = native.mknod(`${scratch}/fifo`, 0o010644, 0, 0);
  const fifoType = os.stat(`${scratch}/fifo`)[0].mode & os.S_IFMT;
  const unlink = native.unlink(`${scratch}/d/g`);
  const gone = os.stat(`${scratch}/d/g`)[1];
  results.files = {
    oldUmask: old,
    mkdir: mk, mode, again, chmod, chmodded, symlink, target, fsync, chown, owner, rename,
    fifo, fifoIsFifo: fifoType === os.S_IFIFO, unlink, gone,
    statfsType: native.statfsType(scratch),
    statfsMissing: native.statfsType(`${scratch}/missing`),
    finitMissing: native.finitModule(`${scratch}/missing.ko`, ''),
    execvMissing: native.execv(`${scratch}/missing`, ['missing']),
  };
  native.umask(old);
}

// Mounting a tmpfs needs CAP_SYS_ADMIN; record whatever happens.
{
  const dir = `${scratch}/mnt`;
  native.mkdir(dir, 0o755);
  const mount = native.mount('tmpfs', dir, 'tmpfs', native.MS_NOSUID | native.MS_NODEV, 'size=1m');
  const type = native.statfsType(dir);
  const umount = mount === 0 ? native.umount2(dir, native.MNT_DETACH) : null;
  results.mount = { mount, type, umount };
}

// Spawning: privilege drop, PATH search, cwd, umask, setsid, clean signal state, closed fds.
results.spawn = {
  id: run({ file: 'id', args: ['id'], uid: 65534, gid: 65534, groups: [] }),
  groups: run({ file: '/usr/bin/id', args: ['id', '-G'], uid: 65534, gid: 65534, groups: [65534, 100] }),
  cwdUmask: run({ file: '/bin/sh', args: ['sh', '-c', 'pwd; umask'], cwd: scratch, umask: 0o027 }),
  session: run({ file: '/bin/sh', args: ['sh', '-c', 'read a < /proc/self/stat; echo $a'], setsid: true }),
  signals: run({ file: '/bin/sh', args: ['sh', '-c', 'grep -E "^Sig(Blk|Ign)" /proc/self/status'] }),
  fds: run({ file: '/bin/sh', args: ['sh', '-c', 'ls /proc/$$/fd'] }),
  missing: run({ file: 'no-such-program', args: ['x'] }),
  badCwd: run({ file: '/bin/true', args: ['true'], cwd: `${scratch}/missing` }),
};

// Orphans: as a subreaper we inherit the grandchild and can wait for it.
{
  const subreaper = native.setChildSubreaper(true);
  const shell = run({ file: '/bin/sh', args: ['sh', '-c', 'sleep 0.2 </dev/null >/dev/null 2>&1 & echo $!'] });
  const orphan = Number(shell.stdout.trim());
  const [reaped, status] = os.waitpid(orphan, 0);
  results.orphan = { subreaper, orphan, reaped, status };
}

// Signals through a signalfd: delivered to the event loop as a readable fd.
const sigfd = native.signalfd([native.SIGUSR1, native.SIGUSR2]);
{
  const none = native.readSignal(sigfd);
  const got = ready(sigfd);
  os.kill(native.getpid(), native.SIGUSR1);
  await got;
  results.signalfd = { fd: sigfd, none, signal: native.readSignal(sigfd), expected: native.SIGUSR1 };
}

// A Unix socket: listen, connect, accept, exchange bytes.
{
  const path = `${scratch}/sock`;
  const listener = native.unixListen(path, 4);
  const relisten = native.unixListen(path, 4); // replaces the stale socket file
  native.close(listener);
  const client = native.unixConnect(path);
  await ready(relisten);
  const server = native.accept(relisten);
  const again = native.accept(relisten);
  native.write(client, 'ping');
  await ready(server);
  const data = native.read(server, 16);
  results.unix = {
    listener, relisten, client, server, acceptAgain: again,
    data: typeof data === 'number' ? data : text(data),
    tooLong: native.unixListen(`${scratch}/${'x'.repeat(120)}`, 1),
  };
  for (const fd of [client, server, relisten]) native.close(fd);
}

// TCP on loopback: a successful and a refused non-blocking connect.
{
  let port = 0;
  let listener = -1;
  for (let attempt = 0; attempt < 20 && listener < 0; attempt++) {
    port = 20000 + Math.floor(Math.random() * 40000);
    listener = native.tcpListen('127.0.0.1', port, 4);
  }
  const client = native.tcpConnect('127.0.0.1', port);
  await ready(client, true);
  const connectError = native.socketError(client);
  await ready(listener);
  const server = native.accept(listener);
  native.close(client);
  native.close(server);
  native.close(listener);
  const refused = native.tcpConnect('127.0.0.1', port);
  await ready(refused, true);
  const refusedError = native.socketError(refused);
  native.close(refused);
  results.tcp = {
    listener, client, server, connectError, refusedError,
    badAddress: native.tcpConnect('not-an-address', 1),
    v6: (() => {
      const fd = native.tcpListen('::1', port, 1);
      if (fd >= 0) native.close(fd);
      return fd >= 0 ? 'ok' : native.strerror(fd);
    })(),
  };
}

results.interface = { lo: native.setInterfaceUp('lo', true), missing: native.setInterfaceUp('nosuchif0', true) };
results.constants = { SIGTERM: native.SIGTERM, SIGCHLD: native.SIGCHLD, MS_BIND: native.MS_BIND, RB_POWER_OFF: native.RB_POWER_OFF };
native.sync();

std.out.puts(`${JSON.stringify(results)}\n`);
std.out.flush();
// Finally replace ourselves: the new program must start with no blocked signals.
native.execv('/bin/sh', ['sh', '-c', 'echo "exec: $(grep ^SigBlk /proc/self/status)"']);
std.exit(3);
