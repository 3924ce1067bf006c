/**
 * The init's side of the control socket: accepts connections, reads request
 * lines, answers through the handlers, and streams log lines to followers. A
 * client that cannot keep up is disconnected; it never slows the init down.
 */
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

class Connection {
  private readonly splitter = new LineSplitter(65536);
  private readonly unsubscribes: (() => void)[] = [];
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
    for (const line of this.splitter.push(chunk)) if (line.trim()) this.handle(line);
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
        if (request.follow) this.unsubscribes.push(this.handlers.follow(request.service, (line) => this.send({ v: protocolVersion, id, event: 'log', line })));
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

  private send(message: object): void {
    if (this.closed) return;
    try {
      this.sys.write(this.fd, encode(message));
    } catch (error) {
      // A client that went away (EPIPE) is normal; a full socket buffer means one that does not read: let it go rather than wait.
      if (!(error instanceof SysError && error.errno === this.sys.errno.EPIPE)) this.warn(`control client disconnected: ${error instanceof Error ? error.message : String(error)}`);
      this.close();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    this.sys.onReadable(this.fd, null);
    this.sys.close(this.fd);
  }
}
