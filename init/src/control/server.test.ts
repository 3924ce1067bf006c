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
