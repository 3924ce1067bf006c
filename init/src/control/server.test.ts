import test from 'ava';
import { FakeSys } from '../sys/fake.ts';
import { SysError } from '../sys/sys.ts';
import { ControlServer, type ControlHandlers } from './server.ts';

/** A sys whose listening socket is always readable and whose accept fails: no descriptors left. */
class OutOfDescriptors extends FakeSys {
  readonly readable = new Map<number, () => unknown>();
  accepts = 0;
  override onReadable(fd: number, callback: (() => boolean | void) | null): void {
    if (callback) this.readable.set(fd, callback);
    else this.readable.delete(fd);
  }
  override accept(): number | undefined {
    this.accepts++;
    throw new SysError('accept on', 'fd 10', 24, 'Too many open files');
  }
}

const handlers: ControlHandlers = {
  status: () => ({ image: 'i', hostname: 'h', uptime: 0, services: [], dropped: {} }),
  logs: () => [],
  follow: () => () => {},
  control: async () => true,
  shutdown: () => {},
};

test('accept failing (EMFILE) stops polling the listening socket for a while instead of spinning', async (t) => {
  const sys = new OutOfDescriptors();
  const warnings: string[] = [];
  const server = new ControlServer(sys, '/run/control.sock', handlers, (message) => warnings.push(message));
  const listenFd = [...sys.readable.keys()][0]!;
  t.notThrows(() => sys.readable.get(listenFd)!());
  t.false(sys.readable.has(listenFd), 'the listening socket is not polled while accept fails');
  t.is(sys.accepts, 1);
  t.regex(warnings.join('\n'), /unable to accept control connections: .*Too many open files; trying again in 1 s/);
  await sys.advance(999);
  t.false(sys.readable.has(listenFd));
  await sys.advance(1);
  t.true(sys.readable.has(listenFd), 'polled again after the back-off');
  t.truthy(server);
});

/** A sys with scripted client connections: each has a peer identity, request bytes to read, and collects what the server wrote. */
class ScriptedClients extends FakeSys {
  readonly readable = new Map<number, () => unknown>();
  readonly pending: number[] = [];
  readonly input = new Map<number, Uint8Array>();
  readonly output = new Map<number, string>();
  listenMode?: number;
  private nextClient = 100;
  override listenUnix(path: string, mode?: number): number {
    this.listenMode = mode;
    return super.listenUnix(path);
  }
  override onReadable(fd: number, callback: (() => boolean | void) | null): void {
    if (callback) this.readable.set(fd, callback);
    else this.readable.delete(fd);
  }
  override accept(): number | undefined {
    return this.pending.shift();
  }
  override read(fd: number): Uint8Array | undefined {
    const bytes = this.input.get(fd);
    this.input.delete(fd);
    return bytes;
  }
  override tryWrite(fd: number, data: Uint8Array): number {
    this.output.set(fd, (this.output.get(fd) ?? '') + new TextDecoder().decode(data));
    return data.length;
  }
  /** Connects a client with these ids that sends `lines`; returns its fd. */
  connect(peer: { pid: number; uid: number; gid: number }, lines: string[]): number {
    const fd = this.nextClient++;
    this.peers.set(fd, peer);
    this.pending.push(fd);
    // No lines: a client that stays connected and silent (an empty read would be its end of file).
    if (lines.length > 0) this.input.set(fd, new TextEncoder().encode(lines.map((line) => `${line}\n`).join('')));
    for (const callback of [...this.readable.values()]) callback();
    this.readable.get(fd)?.();
    return fd;
  }
  replies(fd: number): { id: number; ok: boolean; error?: string }[] {
    return (this.output.get(fd) ?? '').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: number; ok: boolean; error?: string });
  }
}

test('a user granted read gets status but is refused reboot with a one-line reply, which the init logs', async (t) => {
  const sys = new ScriptedClients();
  const shutdowns: string[] = [];
  const warnings: string[] = [];
  new ControlServer(sys, '/run/imago/control.sock', { ...handlers, shutdown: (kind) => shutdowns.push(kind) }, (message) => warnings.push(message), {}, {
    read: { uids: [], gids: [27] },
    admin: { uids: [], gids: [] },
  });
  t.is(sys.listenMode, 0o666, 'others may connect: the policy decides');
  // Group 27 is a supplementary group, known only from /proc.
  sys.writeText('/proc/321/status', 'Name:\timagoctl\nUid:\t1000\t1000\t1000\t1000\nGroups:\t27 \n');
  const fd = sys.connect({ pid: 321, uid: 1000, gid: 1000 }, ['{"v":2,"id":1,"command":"status"}', '{"v":2,"id":2,"command":"reboot"}']);
  await sys.advance(0);
  t.deepEqual(
    sys.replies(fd).map((m) => `${m.id} ${m.ok ? 'ok' : m.error}`),
    ['1 ok', "2 permission denied: uid 1000 may not run 'reboot'"],
  );
  t.deepEqual(shutdowns, [], 'no reboot');
  t.deepEqual(warnings, ["control: permission denied: uid 1000 may not run 'reboot' (pid 321)"]);
});

test('without a control section only root is served, and the socket stays 0600', async (t) => {
  const sys = new ScriptedClients();
  const shutdowns: string[] = [];
  const closed: number[] = [];
  const close = sys.close.bind(sys);
  sys.close = (fd: number) => {
    closed.push(fd);
    close(fd);
  };
  new ControlServer(sys, '/run/imago/control.sock', { ...handlers, shutdown: (kind) => shutdowns.push(kind) }, () => {});
  t.is(sys.listenMode, 0o600);
  const user = sys.connect({ pid: 400, uid: 1000, gid: 1000 }, ['{"v":2,"id":1,"command":"status"}']);
  const root = sys.connect({ pid: 401, uid: 0, gid: 0 }, ['{"v":2,"id":1,"command":"poweroff"}']);
  await sys.advance(0);
  t.deepEqual(sys.replies(user).map((m) => m.error), ['permission denied: uid 1000 may not use the control socket']);
  t.deepEqual(closed, [user], 'a user granted nothing is closed at once');
  t.deepEqual(sys.replies(root).map((m) => m.ok), [true]);
  t.deepEqual(shutdowns, ['poweroff']);
});

test('a connection whose peer cannot be identified is closed with a warning', (t) => {
  const sys = new ScriptedClients();
  sys.peerCredentials = () => {
    throw new SysError('read the peer credentials of', 'fd 100', 95, 'Operation not supported');
  };
  const warnings: string[] = [];
  const closed: number[] = [];
  sys.close = (fd: number) => void closed.push(fd);
  new ControlServer(sys, '/run/imago/control.sock', handlers, (message) => warnings.push(message));
  sys.pending.push(100);
  for (const callback of [...sys.readable.values()]) callback();
  t.deepEqual(closed, [100]);
  t.deepEqual(warnings, ['control connection refused: unable to read the peer credentials of fd 100: Operation not supported']);
  t.is(sys.output.get(100), undefined, 'nothing was answered');
});

test('users granted access cannot take the last connections: they are kept for root', (t) => {
  const sys = new ScriptedClients();
  new ControlServer(sys, '/run/imago/control.sock', handlers, () => {}, { maxConnections: 6 }, { read: { uids: [1000], gids: [] }, admin: { uids: [], gids: [] } });
  const users = Array.from({ length: 3 }, (_, i) => sys.connect({ pid: 500 + i, uid: 1000, gid: 1000 }, []));
  t.deepEqual(
    users.map((fd) => sys.replies(fd).map((m) => m.error).join()),
    ['', '', 'too many connections (at most 2, 4 more for root)'],
  );
  const roots = Array.from({ length: 5 }, (_, i) => sys.connect({ pid: 600 + i, uid: 0, gid: 0 }, []));
  t.deepEqual(
    roots.map((fd) => sys.replies(fd).map((m) => m.error).join()),
    ['', '', '', '', 'too many connections (at most 6)'],
  );
});
