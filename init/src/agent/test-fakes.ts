/**
 * Small fakes for the agent's logic tests on Node: files in a map, a
 * scripted server (Transport), a control client that records requests, and
 * timers that run only when advanced. Not part of the agent binary.
 */
import { encodeUtf8 } from '../../../contract/index.ts';
import type { LogLine } from '../logs/logger.ts';
import type { Request } from '../control/protocol.ts';
import type { ControlClient } from './control-client.ts';
import type { AgentDeps, AgentFiles } from './deps.ts';
import type { HttpRequest, HttpResponse } from './http-message.ts';
import { TransportError, type RequestOptions, type Transport } from './transport.ts';

export class MapFiles implements AgentFiles {
  readonly data = new Map<string, { text: string; mode: number }>();
  readText(path: string) {
    return this.data.get(path)?.text;
  }
  readBytes(path: string) {
    const text = this.data.get(path)?.text;
    return text === undefined ? undefined : encodeUtf8(text);
  }
  writeText(path: string, text: string, mode = 0o644) {
    this.data.set(path, { text, mode });
  }
  exists(path: string) {
    return this.data.has(path);
  }
  rename(from: string, to: string) {
    const entry = this.data.get(from);
    if (!entry) throw new Error(`rename: no ${from}`);
    this.data.delete(from);
    this.data.set(to, entry);
  }
  remove(path: string) {
    this.data.delete(path);
  }
  mkdirs() {}
}

export function fakeDeps(files = new MapFiles()) {
  const logs: string[] = [];
  const sleeps: number[] = [];
  let now = Date.UTC(2026, 10, 28);
  const deps: AgentDeps = {
    files,
    wallClock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    log: (text) => logs.push(text),
    random: () => 1,
  };
  return { deps, files, logs, sleeps };
}

export function response(status: number, body = '', reason = 'R'): HttpResponse {
  return { status, reason, headers: new Map(), body: encodeUtf8(body) };
}

type Answer = HttpResponse | Error | ((request: Omit<HttpRequest, 'host'>) => HttpResponse | Error);

/** Answers requests from a script, in order; records what was asked. */
export class ScriptedServer implements Transport {
  readonly requests: { request: Omit<HttpRequest, 'host'>; options: RequestOptions }[] = [];
  constructor(private readonly answers: Answer[], private readonly fallback: Answer = new TransportError('no more answers')) {}
  async request(request: Omit<HttpRequest, 'host'>, options: RequestOptions): Promise<HttpResponse> {
    this.requests.push({ request, options });
    let answer = this.answers.shift() ?? this.fallback;
    if (typeof answer === 'function') answer = answer(request);
    if (answer instanceof Error) throw answer;
    return answer;
  }
  bodies(path: string): unknown[] {
    return this.requests.filter((r) => r.request.path === path).map((r) => JSON.parse(r.request.body ?? 'null'));
  }
}

export class RecordingControl implements ControlClient {
  readonly requests: Request[] = [];
  readonly follows: { service: string; lines: number; follow: boolean; onLines: (l: LogLine[]) => void; onEnd: (why?: string) => void; stopped: boolean }[] = [];
  refuse?: string;
  async request(request: Request): Promise<unknown> {
    this.requests.push(request);
    if (this.refuse) throw new Error(this.refuse);
    return {};
  }
  logs(service: string, lines: number, follow: boolean, onLines: (l: LogLine[]) => void, onEnd: (why?: string) => void) {
    const entry = { service, lines, follow, onLines, onEnd, stopped: false };
    this.follows.push(entry);
    return { stop: () => void (entry.stopped = true) };
  }
}

export class ManualTimers {
  private pending: { at: number; callback: () => void; id: number }[] = [];
  private now = 0;
  private next = 0;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.push({ at: this.now + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }
  async advance(ms: number): Promise<void> {
    this.now += ms;
    const due = this.pending.filter((p) => p.at <= this.now);
    this.pending = this.pending.filter((p) => p.at > this.now);
    for (const p of due) p.callback();
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}
