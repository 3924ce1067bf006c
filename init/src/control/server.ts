/**
 * The init's side of the control socket: accepts connections, reads request
 * lines, answers through the handlers, and streams log lines to followers.
 * Replies wait in a queue while a client is slow to read; lines for a follower
 * that falls behind are dropped and counted. A client never slows the init down.
 * Each request is checked against the access policy (policy.ts) with the
 * identity the kernel gives for the connection, so a client cannot claim one.
 */
import { encodeUtf8, type ControlAccessConfig } from '../../../contract/index.ts';
import type { LogLine } from '../logs/logger.ts';
import { SysError, type Sys, type TimerHandle } from '../sys/sys.ts';
import { WriteQueue } from '../sys/write-queue.ts';
import { identifyPeer } from './identify-peer.ts';
import { grantsOthers, mayConnect, mayRun, permissionDenied, type Peer } from './policy.ts';
import { RequestLines } from './request-lines.ts';
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
/**
 * Connections only root may open once the others hold the rest: with the
 * socket open to other users, they could otherwise fill every slot and lock
 * root's imagoctl out.
 */
const reservedForRoot = 4;
/** How long the listening socket rests after accept failed (no descriptors left), rather than spin on it. */
const acceptBackoffMs = 1000;

export interface ControlLimits {
  /** Connections open at once; more are refused with an error. */
  maxConnections: number;
  /** `logs -f` streams on one connection. */
  maxFollowers: number;
  /** A connection that sends nothing for this long, and has no follower or request pending, is closed. */
  idleTimeoutMs: number;
  /** The longest request line; a longer one is refused and skipped. */
  maxRequestBytes: number;
}

export const defaultControlLimits: ControlLimits = { maxConnections: 32, maxFollowers: 8, idleTimeoutMs: 60_000, maxRequestBytes: 65536 };

export class ControlServer {
  private readonly listenFd: number;
  private readonly limits: ControlLimits;
  private connections = 0;

  constructor(
    private readonly sys: Sys,
    readonly path: string,
    private readonly handlers: ControlHandlers,
    private readonly warn: (message: string) => void,
    limits: Partial<ControlLimits> = {},
    /** Who besides root may do what (init.json `control`); undefined: root only. */
    private readonly access?: ControlAccessConfig,
  ) {
    // An option given as undefined keeps its default.
    this.limits = { ...defaultControlLimits, ...Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) };
    // Root only, unless the policy lets others in: then everyone may connect and each request is checked.
    this.listenFd = sys.listenUnix(path, grantsOthers(access) ? 0o666 : 0o600);
    sys.onReadable(this.listenFd, () => this.acceptAll());
  }

  private acceptAll(): void {
    for (;;) {
      let fd: number | undefined;
      try {
        fd = this.sys.accept(this.listenFd);
      } catch (error) {
        return this.backOff(error);
      }
      if (fd === undefined) return;
      let peer: Peer & { pid: number };
      try {
        peer = identifyPeer(this.sys, fd);
      } catch (error) {
        this.warn(`control connection refused: ${error instanceof Error ? error.message : String(error)}`);
        this.sys.close(fd);
        continue;
      }
      // A user granted nothing is turned away at once, so it holds no connection slot.
      if (!mayConnect(this.access, peer)) {
        const error = `permission denied: uid ${peer.uid} may not use the control socket`;
        this.warn(`control: ${error} (pid ${peer.pid})`);
        this.refuse(fd, error);
        continue;
      }
      const cap = peer.uid === 0 ? this.limits.maxConnections : this.limits.maxConnections - reservedForRoot;
      if (this.connections >= cap) {
        this.refuse(fd, `too many connections (at most ${cap}${peer.uid === 0 ? '' : `, ${reservedForRoot} more for root`})`);
        continue;
      }
      this.connections++;
      new Connection(this.sys, fd, this.handlers, this.warn, this.limits, () => this.connections--, peer, this.access);
    }
  }

  /** The pending connection stays in the backlog, so the socket stays readable: stop polling it for a while. */
  private backOff(error: unknown): void {
    this.sys.onReadable(this.listenFd, null);
    this.sys.setTimeout(() => this.sys.onReadable(this.listenFd, () => this.acceptAll()), acceptBackoffMs);
    this.warn(`unable to accept control connections: ${error instanceof Error ? error.message : String(error)}; trying again in ${acceptBackoffMs / 1000} s`);
  }

  private refuse(fd: number, error: string): void {
    try {
      this.sys.tryWrite(fd, encodeUtf8(encode({ v: protocolVersion, id: 0, ok: false, error })));
    } catch {
      // It is refused either way.
    }
    this.sys.close(fd);
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
  private readonly splitter: RequestLines;
  private readonly followers: Follower[] = [];
  /** Request lines read but not handled yet, while replies wait for the client (null: one too long). */
  private readonly inbox: (string | null)[] = [];
  private readonly output: WriteQueue;
  private reading = true;
  private closed = false;
  /** Requests being answered (start, stop and restart take a while). */
  private inFlight = 0;
  private idleTimer?: TimerHandle;

  constructor(
    private readonly sys: Sys,
    private readonly fd: number,
    private readonly handlers: ControlHandlers,
    private readonly warn: (message: string) => void,
    private readonly limits: ControlLimits,
    private readonly onClose: () => void,
    private readonly peer: Peer & { pid: number },
    private readonly access: ControlAccessConfig | undefined,
  ) {
    this.splitter = new RequestLines(limits.maxRequestBytes);
    this.output = new WriteQueue(sys, fd, { wrote: (empty) => this.wrote(empty), failed: (error) => this.failed(error) });
    sys.onReadable(fd, () => this.readable());
    this.armIdleTimer();
  }

  private armIdleTimer(): void {
    if (this.idleTimer) this.sys.clearTimeout(this.idleTimer);
    this.idleTimer = this.sys.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.followers.length === 0 && this.inFlight === 0 && !this.output.pending && this.inbox.length === 0) this.close();
      else this.armIdleTimer();
    }, this.limits.idleTimeoutMs);
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
    this.armIdleTimer();
    for (const entry of this.splitter.push(chunk)) {
      if ('overlong' in entry) this.inbox.push(null);
      else if (entry.line.trim()) this.inbox.push(entry.line);
    }
    this.handleInbox();
  }

  /** Handles waiting requests while the client keeps up with the replies; stops reading it when it does not. */
  private handleInbox(): void {
    while (!this.closed && this.inbox.length > 0 && this.output.bytes < maxQueuedBytes) this.handle(this.inbox.shift()!);
    const keepUp = this.inbox.length === 0 && this.output.bytes < maxQueuedBytes;
    if (this.closed || keepUp === this.reading) return;
    this.reading = keepUp;
    this.sys.onReadable(this.fd, keepUp ? () => this.readable() : null);
  }

  private handle(line: string | null): void {
    if (line === null) return this.send({ v: protocolVersion, id: 0, ok: false, error: `request line longer than ${this.limits.maxRequestBytes} bytes; the rest of it was skipped` });
    const parsed = parseRequest(line);
    if (!parsed.ok) return this.send({ v: protocolVersion, id: parsed.id, ok: false, error: parsed.error });
    const { command } = parsed.request;
    if (!mayRun(this.access, command, this.peer)) {
      const error = permissionDenied(command, this.peer);
      this.warn(`control: ${error} (pid ${this.peer.pid})`);
      return this.send({ v: protocolVersion, id: parsed.id, ok: false, error });
    }
    this.inFlight++;
    this.dispatch(parsed.id, parsed.request)
      .catch((error: unknown) => this.send({ v: protocolVersion, id: parsed.id, ok: false, error: error instanceof Error ? error.message : String(error) }))
      .finally(() => this.inFlight--);
  }

  private async dispatch(id: number, request: Request): Promise<void> {
    const reply = (result: unknown) => this.send({ v: protocolVersion, id, ok: true, result });
    const fail = (error: string) => this.send({ v: protocolVersion, id, ok: false, error });
    switch (request.command) {
      case 'status':
        return reply(this.handlers.status());
      case 'logs': {
        if (request.follow && this.followers.length >= this.limits.maxFollowers) return fail(`too many followers on one connection (at most ${this.limits.maxFollowers})`);
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
    if (this.output.bytes >= maxQueuedBytes) {
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
    this.output.push(encodeUtf8(encode(message)));
  }

  private failed(error: unknown): void {
    // Close (and unsubscribe) before warning: the warning is an init log line, which may be followed here.
    this.close();
    // A client that went away (EPIPE) is normal.
    if (!(error instanceof SysError && error.errno === this.sys.errno.EPIPE)) this.warn(`control client disconnected: ${error instanceof Error ? error.message : String(error)}`);
  }

  private wrote(empty: boolean): void {
    if (this.closed) return;
    // Caught up: followers hear what they missed. Below the limit again, waiting requests go on.
    if (empty) for (const follower of this.followers) this.reportDropped(follower);
    this.handleInbox();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    if (this.idleTimer) this.sys.clearTimeout(this.idleTimer);
    for (const follower of this.followers.splice(0)) follower.unsubscribe();
    this.inbox.length = 0;
    this.output.clear();
    if (this.reading) this.sys.onReadable(this.fd, null);
    this.sys.close(this.fd);
  }
}
