/**
 * Runs one ready or health probe: a TCP or Unix socket connect, an HTTP GET,
 * a command, or a file check. Every probe ends within its timeout and never throws: the result
 * says ok or not, with a detail for the log.
 */
import { decodeUtf8, type ProbeConfig } from '../../../contract/index.ts';
import type { Sys } from '../sys/sys.ts';

export interface ProbeResult {
  ok: boolean;
  detail?: string;
}

/** How to run a probe's command: as the service's user, ended after `timeoutMs`. */
export type CommandRunner = (command: string[], timeoutMs: number) => Promise<ProbeResult>;

const localhost = '127.0.0.1';

export function runProbe(sys: Sys, probe: ProbeConfig, runCommand: CommandRunner): Promise<ProbeResult> {
  switch (probe.kind) {
    case 'file':
      return Promise.resolve(sys.exists(probe.file!) ? { ok: true } : { ok: false, detail: `${probe.file} does not exist` });
    case 'command':
      return runCommand(probe.command!, probe.timeoutMs);
    case 'tcp':
      return exchange(sys, tcpPeer(sys, probe.port!), probe.timeoutMs, undefined);
    case 'unix':
      return exchange(sys, { name: probe.socket!, connect: () => sys.connectUnix(probe.socket!) }, probe.timeoutMs, undefined);
    case 'http':
      return exchange(sys, tcpPeer(sys, probe.port!), probe.timeoutMs, { path: probe.path ?? '/', status: probe.status });
  }
}

/** Whether an HTTP status line is the one wanted (any 2xx or 3xx by default). Pure. */
export function httpStatusOk(statusLine: string, wanted?: number): ProbeResult {
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine);
  if (!match) return { ok: false, detail: `not an HTTP response: ${JSON.stringify(statusLine.slice(0, 40))}` };
  const status = Number(match[1]);
  const ok = wanted === undefined ? status >= 200 && status < 400 : status === wanted;
  return ok ? { ok } : { ok, detail: `HTTP status ${status}${wanted === undefined ? '' : `, expected ${wanted}`}` };
}

/** What a probe connects to: a name for its messages and a non-blocking connect. */
interface Peer {
  name: string;
  connect: () => number;
}

function tcpPeer(sys: Sys, port: number): Peer {
  return { name: `port ${port}`, connect: () => sys.connectTcp(localhost, port) };
}

/**
 * Connects to the peer; for HTTP, sends a GET and reads the status line.
 * Non-blocking throughout: the event loop wakes on the socket or the timeout.
 */
function exchange(sys: Sys, peer: Peer, timeoutMs: number, http: { path: string; status?: number } | undefined): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let fd = -1;
    let done = false;
    let response = '';
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      sys.clearTimeout(timer);
      if (fd >= 0) {
        sys.onWritable(fd, null);
        sys.onReadable(fd, null);
        sys.close(fd);
      }
      resolve(result);
    };
    const timer = sys.setTimeout(() => finish({ ok: false, detail: `no answer on ${peer.name} within ${timeoutMs} ms` }), timeoutMs);
    try {
      fd = peer.connect();
    } catch (error) {
      finish({ ok: false, detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    sys.onWritable(fd, () => {
      sys.onWritable(fd, null);
      const error = sys.socketError(fd);
      if (error.errno !== 0) return finish({ ok: false, detail: `${peer.name}: ${error.text}` });
      if (!http) return finish({ ok: true });
      try {
        sys.write(fd, `GET ${http.path} HTTP/1.0\r\nHost: localhost\r\nUser-Agent: imago-init\r\nConnection: close\r\n\r\n`);
      } catch (writeError) {
        return finish({ ok: false, detail: writeError instanceof Error ? writeError.message : String(writeError) });
      }
      sys.onReadable(fd, () => {
        const chunk = sys.read(fd, 1024);
        if (chunk === undefined) return;
        response += decodeUtf8(chunk);
        const end = response.indexOf('\r\n');
        if (end >= 0) finish(httpStatusOk(response.slice(0, end), http.status));
        else if (chunk.length === 0 || response.length > 1024) finish(httpStatusOk(response, http.status));
      });
    });
  });
}
