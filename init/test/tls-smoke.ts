/**
 * A smoke program for the agent binary's `imago:tls`, run by
 * agent-tls.test.ts natively or under qemu-user: each mode prints one JSON
 * object of observations on stdout and checks nothing itself.
 *
 *   tls-smoke keygen <subject>                        key + CSR made on the device
 *   tls-smoke inspect <cert.pem> <ca.pem>             certificateInfo + verifyCertificate
 *   tls-smoke match <cert.pem> <key.pem>              keyMatches
 *   tls-smoke throw                                   an uncaught error (the agent must exit 1)
 *   tls-smoke get <dir> <host> <port> <hostname>      HTTP GET over TLS with <dir>/ca.pem
 *                                                     and, when present, client.pem + client-key.pem
 */
import * as tls from 'imago:tls';
import * as os from 'os';
import * as std from 'std';

const [, mode, ...args] = scriptArgs;

function load(path: string): string | undefined {
  return std.loadFile(path) ?? undefined;
}

function ascii(text: string): ArrayBuffer {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes.buffer;
}

function waitFor(fd: number, want: number): Promise<void> {
  return new Promise((resolve) => {
    const set = want === tls.WANT_WRITE ? os.setWriteHandler : os.setReadHandler;
    set(fd, () => {
      set(fd, null);
      resolve();
    });
  });
}

const retry = (code: number) => code === tls.WANT_READ || code === tls.WANT_WRITE;

async function get(dir: string, host: string, port: number, hostname: string): Promise<Record<string, unknown>> {
  const fd = tls.tcpConnect(host, port);
  if (fd < 0) return { stage: 'connect', error: tls.errorText(fd) };
  await waitFor(fd, tls.WANT_WRITE);
  const connected = tls.connectResult(fd);
  if (connected < 0) return { stage: 'connect', error: tls.errorText(connected) };
  const cert = load(`${dir}/client.pem`);
  const key = load(`${dir}/client-key.pem`);
  const session = tls.newSession(fd, { ca: load(`${dir}/ca.pem`)!, hostname, ...(cert && key ? { cert, key } : {}) });
  try {
    let code: number;
    while (retry((code = session.handshake()))) await waitFor(fd, code);
    if (code < 0) return { stage: 'handshake', code, error: tls.errorText(code), verifyResult: session.verifyResult() };
    const request = ascii(`GET /hello HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    let sent = 0;
    while (sent < request.byteLength) {
      const n = session.write(request, sent, request.byteLength - sent);
      if (retry(n)) await waitFor(fd, n);
      else if (n < 0) return { stage: 'write', code: n, error: tls.errorText(n) };
      else sent += n;
    }
    const buffer = new ArrayBuffer(4096);
    let response = '';
    for (;;) {
      const n = session.read(buffer, 0, buffer.byteLength);
      if (retry(n)) await waitFor(fd, n);
      else if (n < 0) return { stage: 'read', code: n, error: tls.errorText(n), response };
      else if (n === 0) break;
      else for (const byte of new Uint8Array(buffer, 0, n)) response += String.fromCharCode(byte);
    }
    let outOfRange = '';
    try {
      session.read(buffer, 4000, 200);
    } catch (error) {
      outOfRange = String(error);
    }
    return { stage: 'done', verifyResult: session.verifyResult(), response, outOfRange };
  } finally {
    session.close();
    os.close(fd);
  }
}

async function main(): Promise<Record<string, unknown>> {
  switch (mode) {
    case 'keygen': {
      const key = tls.generateKey();
      return { key, csr: tls.createCsr(key, args[0]!) };
    }
    case 'inspect':
      return { info: tls.certificateInfo(load(args[0]!)!), verify: tls.verifyCertificate(load(args[0]!)!, load(args[1]!)!) };
    case 'match':
      return { matches: tls.keyMatches(load(args[0]!)!, load(args[1]!)!) };
    case 'throw':
      throw new Error('tls-smoke: thrown on purpose');
    case 'get':
      return get(args[0]!, args[1]!, Number(args[2]), args[3]!);
    default:
      throw new Error(`tls-smoke: unknown mode ${mode}`);
  }
}

std.out.puts(JSON.stringify(await main()) + '\n');
