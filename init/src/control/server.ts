/**
 * The init's side of the control socket: accepts connections, reads request
 * lines, answers through the handlers, and streams log lines to followers.
 * Replies wait in a queue while a client is slow to read; lines for a follower
 * that falls behind are dropped and counted. A client never slows the init down.
 */
import { encodeUtf8 } from '../../../contract/index.ts';
import { LineSplitter } from '../logs/lines.ts';
import type { LogLine } from '../logs/logger.ts';
import { SysError, type Sys } from '../sys/sys.ts';
import { encode, parseRequest, protocolVersion, type Request, type StatusResult } from './protocol.ts';

/** What the control socket can ask of the init. */
export interface ControlHandlers {
  status(): StatusResult;
  /** The last lines of a service's log, or undefined for an unknown service. */
  logs(service: string, lines: number): LogLine[] | undefined;
  follow(service: string, listener: (line: LogLine) => void): () => void;
  /** Start, stop or restart a service; false for an unknown one. */
  control(command: 'start' | 'stop' | 'restart', service: string): Promise<boolean>;
  shutdown(kind: 'reboot' | 'poweroff' | 'halt'): void;
  /** Arms a written slot for a trial boot and reboots; throws with the reason it cannot. Absent without updates. */
  activate?(slot: 'A' | 'B'): { slot: string; version: string };
}

const defaultLogLines = 50;

export class ControlServer {
  private readonly listenFd: number;

  constructor(
    private readonly sys: Sys,
    readonly path: string,
    private readonly handlers: ControlHandlers,
    private readonly warn: (message: string) => void,
  ) {
    this.listenFd = sys.listenUnix(path);
    sys.onReadable(this.listenFd, () => this.acceptAll());
  }

  private acceptAll(): void {
    for (let fd = this.sys.accept(this.listenFd); fd !== undefined; fd = this.sys.accept(this.listenFd)) new Connection(this.sys, fd, this.handlers, this.warn);
  }
}

/**
 * Output waiting for a client that is slower than the init: beyond this, lines
 * for its followers are dropped and counted (it is told how many when it
 * catches up) and its further requests wait until it has read its replies.
 */
const maxQueuedBytes = 256 * 1024;

interface Follower {
  id: number;
  service: string;
  /** Lines not queued because the client was behind, not yet reported to it. */
  dropped: number;
  unsubscribe: () => void;
}

class Connection {
  private readonly splitter = new LineSplitter(65536);
  private readonly followers: Follower[] = [];
  /** Request lines read but not handled yet, while replies wait for the client. */
  private readonly inbox: string[] = [];
  private readonly output: Uint8Array[] = [];
  private queuedBytes = 0;
  private waitingWritable = false;
  private reading = true;
  private closed = false;

  constructor(
    private readonly sys: Sys,
    private readonly fd: number,
    private readonly handlers: ControlHandlers,
    private readonly warn: (message: string) => void,
  ) {
    sys.onReadable(fd, () => this.readable());
  }

  private readable(): void {
    let chunk: Uint8Array | undefined;
    try {
      chunk = this.sys.read(this.fd, 65536);
    } catch {
      return this.close();
    }
    if (chunk === undefined) return;
    if (chunk.length === 0) return this.close();
    for (const line of this.splitter.push(chunk)) if (line.trim()) this.inbox.push(line);
    this.handleInbox();
  }

  /** Handles waiting requests while the client keeps up with the replies; stops reading it when it does not. */
  private handleInbox(): void {
    while (!this.closed && this.inbox.length > 0 && this.queuedBytes < maxQueuedBytes) this.handle(this.inbox.shift()!);
    const keepUp = this.inbox.length === 0 && this.queuedBytes < maxQueuedBytes;
    if (this.closed || keepUp === this.reading) return;
    this.reading = keepUp;
    this.sys.onReadable(this.fd, keepUp ? () => this.readable() : null);
  }

  private handle(line: string): void {
    const parsed = parseRequest(line);
    if (!parsed.ok) return this.send({ v: protocolVersion, id: parsed.id, ok: false, error: parsed.error });
    this.dispatch(parsed.id, parsed.request).catch((error: unknown) => this.send({ v: protocolVersion, id: parsed.id, ok: false, error: error instanceof Error ? error.message : String(error) }));
  }

  private async dispatch(id: number, request: Request): Promise<void> {
    const reply = (result: unknown) => this.send({ v: protocolVersion, id, ok: true, result });
    const fail = (error: string) => this.send({ v: protocolVersion, id, ok: false, error });
    switch (request.command) {
      case 'status':
        return reply(this.handlers.status());
      case 'logs': {
        const lines = this.handlers.logs(request.service, request.lines ?? defaultLogLines);
        if (!lines) return fail(`unknown service "${request.service}"`);
        reply({ lines });
        if (request.follow && !this.closed) {
          const follower: Follower = { id, service: request.service, dropped: 0, unsubscribe: () => {} };
          this.followers.push(follower);
          follower.unsubscribe = this.handlers.follow(request.service, (line) => this.deliver(follower, line));
        }
        return;
      }
      case 'start':
      case 'stop':
      case 'restart':
        return (await this.handlers.control(request.command, request.service)) ? reply({ service: request.service, done: request.command }) : fail(`unknown service "${request.service}"`);
      case 'update-activate': {
        if (!this.handlers.activate) return fail('this image is not built for updates (no update: section in its spec)');
        const result = this.handlers.activate(request.slot);
        reply(result);
        // The reply goes out before the reboot begins; the agent already made the boot environment durable.
        this.sys.setTimeout(() => this.handlers.shutdown('reboot'), 100);
        return;
      }
      default:
        reply({ shutdown: request.command });
        this.handlers.shutdown(request.command);
    }
  }

  /** A followed line: queued, or dropped and counted while the client is behind. */
  private deliver(follower: Follower, line: LogLine): void {
    if (this.closed) return;
    if (this.queuedBytes >= maxQueuedBytes) {
      follower.dropped++;
      return;
    }
    this.reportDropped(follower);
    this.send({ v: protocolVersion, id: follower.id, event: 'log', line });
  }

  /** Tells a follower how many lines it missed, as a line of the log it follows. */
  private reportDropped(follower: Follower): void {
    if (follower.dropped === 0) return;
    const text = `[imago: ${follower.dropped} lines dropped: this follower did not keep up]`;
    follower.dropped = 0;
    this.send({ v: protocolVersion, id: follower.id, event: 'log', line: { time: this.sys.wallClock(), source: follower.service, text } });
  }

  /** Queues a message and writes what the socket takes now; the rest goes as it drains. */
  private send(message: object): void {
    if (this.closed) return;
    const bytes = encodeUtf8(encode(message));
    this.output.push(bytes);
    this.queuedBytes += bytes.length;
    this.flush();
  }

  private flush(): void {
    try {
      while (this.output.length > 0) {
        const head = this.output[0]!;
        const written = this.sys.tryWrite(this.fd, head);
        this.queuedBytes -= written;
        if (written < head.length) {
          this.output[0] = head.subarray(written);
          break;
        }
        this.output.shift();
      }
    } catch (error) {
      // Close (and unsubscribe) before warning: the warning is an init log line, which may be followed here.
      this.close();
      // A client that went away (EPIPE) is normal.
      if (!(error instanceof SysError && error.errno === this.sys.errno.EPIPE)) this.warn(`control client disconnected: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const waiting = this.output.length > 0;
    if (waiting === this.waitingWritable) return;
    this.waitingWritable = waiting;
    this.sys.onWritable(this.fd, waiting ? () => this.drained() : null);
  }

  private drained(): void {
    this.flush();
    if (this.closed) return;
    // Caught up: followers hear what they missed, and waiting requests go on.
    if (this.output.length === 0) for (const follower of this.followers) this.reportDropped(follower);
    this.handleInbox();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const follower of this.followers.splice(0)) follower.unsubscribe();
    this.inbox.length = 0;
    this.output.length = 0;
    this.queuedBytes = 0;
    if (this.reading) this.sys.onReadable(this.fd, null);
    if (this.waitingWritable) this.sys.onWritable(this.fd, null);
    this.sys.close(this.fd);
  }
}
