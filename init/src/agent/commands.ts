/**
 * Runs the commands the server sends: start/stop/restart/reboot through the
 * control socket, logs as streams to /v1/device/logs, updates by downloading
 * the bundle, checking it and handing it to `imagoctl update`. Results are
 * queued for the next poll. A reboot waits until its result was delivered.
 */
import { fleetPaths, fleetProtocolHeader, fleetProtocolVersion, type Command, type CommandResult, type LogBatch } from '../../../contract/index.ts';
import type { ControlClient, LogFollow } from './control-client.ts';
import type { AgentDeps } from './deps.ts';
import { logHistory } from './log-history.ts';
import { LogStream, type StreamTimers } from './log-stream.ts';
import { writePendingUpdate } from './update-outcome.ts';
import type { ClientIdentity, Transport } from './transport.ts';

export const logRequestTimeoutMs = 15_000;

/** Installing a bundle: what the device does with a downloaded, checked file. */
export interface Installer {
  /** Downloads the bundle to `file`, checking its size and sha256; rejects naming what did not match. */
  download(sha256: string, size: number, file: string): Promise<void>;
  /** Runs `imagoctl update FILE`; resolves with its output when it armed the slot (the init then reboots). */
  install(file: string): Promise<string>;
}

export interface CommandContext {
  deps: AgentDeps;
  control: ControlClient;
  transport: Transport;
  identity: ClientIdentity;
  installer: Installer;
  timers: StreamTimers;
  stateDir: string;
  /** Where the init writes <service>.log and its rotated files. */
  logDir: string;
}

export class CommandRunner {
  private results: CommandResult[] = [];
  /** Run once the server has a result (an update's record is removed only then, so a crash cannot lose it). */
  private hooks = new Map<CommandResult, () => void>();
  private inFlight: CommandResult[] = [];
  private streams = new Map<string, { stream: LogStream; follow?: LogFollow }>();
  private rebootAfterReport = false;
  /** Called when a result is queued, so the poll loop can report it without waiting. */
  onResult: () => void = () => {};

  constructor(private readonly ctx: CommandContext) {}

  /** Results for the next poll; hand them back with `restore` if the poll failed. */
  takeResults(): CommandResult[] {
    this.inFlight = this.results.splice(0);
    return this.inFlight.slice();
  }

  restore(results: CommandResult[]): void {
    this.inFlight = [];
    this.results.unshift(...results);
  }

  get hasResults(): boolean {
    return this.results.length > 0;
  }

  /** The server has the results: a reboot that was waiting for that happens now. */
  async delivered(): Promise<void> {
    for (const result of this.inFlight.splice(0)) {
      this.hooks.get(result)?.();
      this.hooks.delete(result);
    }
    if (!this.rebootAfterReport) return;
    this.rebootAfterReport = false;
    this.ctx.deps.log('rebooting, as the server asked');
    try {
      await this.ctx.control.request({ command: 'reboot' });
    } catch (error) {
      this.ctx.deps.log(`reboot failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  report(result: CommandResult, onDelivered?: () => void): void {
    if (onDelivered) this.hooks.set(result, onDelivered);
    this.results.push(result);
    this.onResult();
  }

  openStreams(): number {
    return [...this.streams.values()].filter((s) => !s.stream.finished).length;
  }

  /** Starts a command; its result is reported when it is done. */
  async run(command: Command): Promise<void> {
    const { deps, control } = this.ctx;
    deps.log(`command ${command.id}: ${describe(command)}`);
    try {
      switch (command.kind) {
        case 'start':
        case 'stop':
        case 'restart':
          await control.request({ command: command.kind, service: command.service });
          this.report({ id: command.id, ok: true, message: `${command.service}: ${command.kind} done` });
          return;
        case 'reboot':
          this.rebootAfterReport = true;
          this.report({ id: command.id, ok: true, message: 'rebooting' });
          return;
        case 'logs':
          await new Promise<void>((answered) => this.startLogs(command, answered));
          return;
        case 'logs-stop': {
          const entry = this.streams.get(command.stream);
          entry?.stream.stop();
          this.report({ id: command.id, ok: true, message: entry ? `stream ${command.stream} stopped` : `stream ${command.stream} was not open` });
          return;
        }
        case 'update':
          await this.update(command);
          return;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.log(`command ${command.id} failed: ${message}`);
      this.report({ id: command.id, ok: false, message });
    }
  }

  private startLogs(command: Extract<Command, { kind: 'logs' }>, answered: () => void): void {
    this.streams.get(command.stream)?.stream.stop();
    const entry: { stream: LogStream; follow?: LogFollow } = {
      stream: new LogStream(command.stream, (batch) => this.sendBatch(batch), this.ctx.timers, () => {
        entry.follow?.stop();
        if (this.streams.get(command.stream) === entry) this.streams.delete(command.stream);
      }),
    };
    this.streams.set(command.stream, entry);
    // The files hold more than the init keeps in memory (rotated ones too): history comes from them when there are any.
    const fromFiles = command.lines > 0 && this.ctx.deps.files.exists(`${this.ctx.logDir}/${command.service}.log`);
    let reported = false;
    /** The history's last lines: a followed line the files already had is not sent twice. */
    let seen = new Set<string>();
    entry.follow = this.ctx.control.logs(
      command.service,
      fromFiles ? 0 : command.lines,
      command.follow,
      (lines) => {
        let texts = lines.map((l) => `${new Date(l.time).toISOString()} ${l.source}: ${l.text}`);
        if (!reported) {
          reported = true;
          if (fromFiles) {
            // Read only once the init has answered: it follows from then on, so a line is in the files,
            // in what follows, or in both (dropped below), never in neither.
            const history = logHistory(this.ctx.deps.files, this.ctx.logDir, command.service, command.lines);
            seen = new Set(history.slice(-100));
            texts = [...history, ...texts];
          }
          this.report({ id: command.id, ok: true, message: command.follow ? `following ${command.service}` : `${texts.length} lines of ${command.service}` });
          answered();
        } else if (seen.size > 0) {
          texts = texts.filter((text) => !seen.has(text));
        }
        entry.stream.add(texts);
      },
      (why) => {
        if (!reported && why) {
          reported = true;
          this.report({ id: command.id, ok: false, message: why });
          entry.stream.stop();
          answered();
          return;
        }
        entry.stream.end();
        answered();
      },
    );
  }

  private async sendBatch(batch: LogBatch): Promise<'ok' | 'gone' | 'failed'> {
    try {
      const response = await this.ctx.transport.request(
        { method: 'POST', path: fleetPaths.logs, headers: { [fleetProtocolHeader]: String(fleetProtocolVersion) }, body: JSON.stringify(batch) },
        { timeoutMs: logRequestTimeoutMs, identity: this.ctx.identity },
      );
      if (response.status === 404 || response.status === 410) return 'gone';
      return response.status === 200 || response.status === 204 ? 'ok' : 'failed';
    } catch {
      return 'failed';
    }
  }

  private async update(command: Extract<Command, { kind: 'update' }>): Promise<void> {
    const { deps, stateDir, installer } = this.ctx;
    const file = `${stateDir}/bundle-${command.sha256.slice(0, 16)}.imago`;
    deps.files.mkdirs(stateDir, 0o700);
    try {
      await installer.download(command.sha256, command.size, file);
      deps.log(`update ${command.id}: bundle ${command.sha256.slice(0, 12)} (${command.size} bytes) downloaded and checked; installing version ${command.version}`);
      // Recorded first: a successful install reboots, and only this record carries the id across.
      writePendingUpdate(deps.files, stateDir, { id: command.id, version: command.version, at: deps.wallClock() });
      try {
        await installer.install(file);
      } catch (error) {
        deps.files.remove(`${stateDir}/pending-update.json`);
        throw error;
      }
    } finally {
      deps.files.remove(file);
    }
  }
}

function describe(command: Command): string {
  switch (command.kind) {
    case 'start':
    case 'stop':
    case 'restart':
      return `${command.kind} ${command.service}`;
    case 'logs':
      return `logs ${command.service} -n ${command.lines}${command.follow ? ' -f' : ''} to stream ${command.stream}`;
    case 'logs-stop':
      return `stop stream ${command.stream}`;
    case 'update':
      return `update to version ${command.version}`;
    case 'reboot':
      return 'reboot';
  }
}
