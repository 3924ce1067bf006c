import test from 'ava';
import { FakeSys } from '../sys/fake.ts';
import { tlsTransport, type TlsApi, type TlsSession } from './tls-connection.ts';
import { TransportError } from './transport.ts';

const WANT_READ = -0x6900;
const WANT_WRITE = -0x6880;

/** Readiness handlers kept so the test can say when the socket is readable or writable. */
class LoopSys extends FakeSys {
  readonly readable = new Map<number, () => void>();
  readonly writable = new Map<number, () => void>();
  readonly closed: number[] = [];
  override onReadable(fd: number, callback: (() => boolean | void) | null): void {
    if (callback) this.readable.set(fd, () => void callback());
    else this.readable.delete(fd);
  }
  override onWritable(fd: number, callback: (() => void) | null): void {
    if (callback) this.writable.set(fd, callback);
    else this.writable.delete(fd);
  }
  override close(fd: number): void {
    this.closed.push(fd);
  }
}

/** A TLS session that says WANT_* once before each step and hands the reply over in small pieces. */
function scriptedTls(reply: string, options: { verify?: string; handshakeError?: number; hang?: boolean } = {}) {
  const sent: number[] = [];
  const events: string[] = [];
  let stalls = 0;
  const replyBytes = new TextEncoder().encode(reply);
  let at = 0;
  const stall = (code: number) => (stalls++ % 2 === 0 ? code : 0);
  const session: TlsSession = {
    handshake: () => (stall(WANT_READ) || (options.handshakeError ?? 0)),
    write(buffer, offset, length) {
      if (stall(WANT_WRITE)) return WANT_WRITE;
      const n = Math.min(7, length);
      sent.push(...new Uint8Array(buffer, offset, n));
      return n;
    },
    read(buffer, offset, length) {
      if (stall(WANT_READ)) return WANT_READ;
      if (options.hang && at === replyBytes.length) return WANT_READ;
      const n = Math.min(5, length, replyBytes.length - at);
      new Uint8Array(buffer, offset, n).set(replyBytes.subarray(at, at + n));
      at += n;
      return n;
    },
    verifyResult: () => options.verify ?? '',
    close: () => void events.push('session closed'),
  };
  const api: TlsApi = {
    WANT_READ,
    WANT_WRITE,
    tcpConnect: () => 42,
    connectResult: () => 0,
    newSession: (fd, o) => (events.push(`session on ${fd} for ${o.hostname}${o.cert ? ' with a client certificate' : ''}`), session),
    errorText: (code) => `mbed TLS error ${code}`,
  };
  return { api, sent: () => new TextDecoder().decode(new Uint8Array(sent)), events };
}

/** Plays the kernel: whichever readiness the connection waits for, it gets, until `done`. */
async function pump(sys: LoopSys, done: () => boolean) {
  for (let i = 0; i < 1000 && !done(); i++) {
    (sys.writable.get(42) ?? sys.readable.get(42))?.();
    await Promise.resolve();
  }
}

const server = { host: '127.0.0.1', port: 8443, name: 'localhost' };

test('a request goes out through WANT_READ/WANT_WRITE stalls and its response is parsed; the session and fd are closed', async (t) => {
  const sys = new LoopSys();
  const tls = scriptedTls('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
  let settled = false;
  const reply = tlsTransport(sys, tls.api, server, 'CA').request({ method: 'POST', path: '/v1/device/poll', body: '{"x":1}' }, { timeoutMs: 5000, identity: { cert: 'C', key: 'K' } }).finally(() => (settled = true));
  await pump(sys, () => settled);
  const response = await reply;
  t.is(response.status, 200);
  t.is(new TextDecoder().decode(response.body), '{}');
  t.true(tls.sent().startsWith('POST /v1/device/poll HTTP/1.1\r\nhost: 127.0.0.1:8443\r\nconnection: close\r\n'));
  t.true(tls.sent().endsWith('\r\n\r\n{"x":1}'));
  t.deepEqual(tls.events, ['session on 42 for localhost with a client certificate', 'session closed']);
  t.deepEqual(sys.closed, [42]);
  t.is(sys.readable.size + sys.writable.size, 0, 'no handler left on the fd');
});

test("a refused server certificate fails naming why, not just the error code", async (t) => {
  const sys = new LoopSys();
  const tls = scriptedTls('', { verify: 'the certificate is signed by another CA', handshakeError: -0x2700 });
  let settled = false;
  const reply = tlsTransport(sys, tls.api, server, 'CA').request({ method: 'GET', path: '/' }, { timeoutMs: 5000 }).finally(() => (settled = true));
  await pump(sys, () => settled);
  const error = await t.throwsAsync(reply, { instanceOf: TransportError });
  t.is(error!.message, "TLS with 127.0.0.1:8443 failed: the server's certificate was refused (the certificate is signed by another CA)");
  t.deepEqual(sys.closed, [42]);
});

test('a server that never answers times out in the phase it stalled, and the fd is closed', async (t) => {
  const sys = new LoopSys();
  const tls = scriptedTls('HTTP/1.1 200 OK\r\n', { hang: true });
  const reply = tlsTransport(sys, tls.api, server, 'CA').request({ method: 'GET', path: '/' }, { timeoutMs: 3000 });
  await pump(sys, () => false);
  await sys.advance(3000);
  await t.throwsAsync(reply, { instanceOf: TransportError, message: '127.0.0.1:8443: no answer within 3 s (read)' });
  t.deepEqual(sys.closed, [42]);
});

test('a refused connect is a TransportError naming the server', async (t) => {
  const sys = new LoopSys();
  const tls = scriptedTls('');
  tls.api.tcpConnect = () => -111;
  await t.throwsAsync(tlsTransport(sys, tls.api, server, 'CA').request({ method: 'GET', path: '/' }, { timeoutMs: 1000 }), { instanceOf: TransportError, message: 'cannot connect to 127.0.0.1:8443: mbed TLS error -111' });
});
