import test from 'ava';
import { encodeUtf8 } from '../../../contract/index.ts';
import { FakeSys } from '../sys/fake.ts';
import { SysError } from '../sys/sys.ts';
import { runCtl } from './client.ts';

/** A socket the init refused at once: its reason is waiting to be read, and writing to it is a broken pipe. */
class RefusedSocketSys extends FakeSys {
  readonly socketFd = 90;
  private readable?: () => void;
  private pending: Uint8Array[] = [encodeUtf8('{"v":1,"id":0,"ok":false,"error":"permission denied: uid 4000 may not use the control socket"}\n'), new Uint8Array()];
  override connectUnix(): number {
    return this.socketFd;
  }
  override write(fd: number, data: string | Uint8Array, name?: string): void {
    if (fd === this.socketFd) throw new SysError('write', `fd ${fd}`, this.errno.EPIPE, 'Broken pipe');
    super.write(fd, data, name);
  }
  override onReadable(fd: number, callback: (() => void) | null): void {
    if (fd === this.socketFd && callback) this.readable = callback;
  }
  override read(fd: number, max: number): Uint8Array | undefined {
    return fd === this.socketFd ? this.pending.shift() : super.read(fd, max);
  }
  deliver(): void {
    this.readable?.();
  }
}

test('a connection the init refused before the request was written prints the init\'s reason, not "Broken pipe"', (t) => {
  const sys = new RefusedSocketSys();
  t.notThrows(() => runCtl(sys, ['status']), 'the broken pipe is not thrown');
  t.throws(() => sys.deliver(), { message: 'exit 1' });
  t.deepEqual(
    sys.written.filter((w) => w.fd === 2).map((w) => w.text),
    ['imagoctl: permission denied: uid 4000 may not use the control socket\n'],
  );
});
