/**
 * Runs onboot tasks and supervises services: it feeds events into the pure
 * service model (model/service.ts) and carries out the effects it returns.
 * Every child exit reaches it through `reapAll`, including orphans re-parented
 * to the init, which are reaped and forgotten.
 */
import type { ProcessConfig, ServiceConfig } from '../config.ts';
import type { Logger } from '../logs/logger.ts';
import { startOrder } from '../model/graph.ts';
import { initialRuntime, transition, type Effect, type ServiceEvent, type ServiceRuntime } from '../model/service.ts';
import { describeExit } from '../sys/signals.ts';
import type { ExitStatus, Sys, TimerHandle } from '../sys/sys.ts';
import { spawnCaptured } from './process.ts';

export interface SignalNumbers {
  term: number;
  kill: number;
}

interface Supervised {
  config: ServiceConfig;
  runtime: ServiceRuntime;
  pid?: number;
  timer?: TimerHandle;
  stopWaiters: (() => void)[];
}

export class Supervisor {
  private readonly services = new Map<string, Supervised>();
  private readonly order: string[];
  /** Who is waiting for which pid: services and onboot tasks. */
  private readonly exitHandlers = new Map<number, (status: ExitStatus) => void>();
  private onChange: () => void = () => {};

  constructor(
    private readonly sys: Sys,
    private readonly log: Logger,
    configs: ServiceConfig[],
    private readonly signals: SignalNumbers,
  ) {
    for (const config of configs) this.services.set(config.name, { config, runtime: initialRuntime, stopWaiters: [] });
    const result = startOrder(configs.map((c) => ({ name: c.name, dependsOn: c.dependsOn })));
    // The builder rejects cycles; should a config still hold one, start in declaration order.
    this.order = result.ok ? result.order : configs.map((c) => c.name);
  }

  /** Called after every state change, e.g. to announce readiness. */
  watch(callback: () => void): void {
    this.onChange = callback;
  }

  /** Runs a one-shot task to completion, its output captured like a service's. */
  runTask(config: ProcessConfig): Promise<ExitStatus> {
    return new Promise((resolve) => {
      try {
        const pid = spawnCaptured(this.sys, this.log, config);
        this.exitHandlers.set(pid, resolve);
      } catch (error) {
        this.log.warn(`unable to start ${config.name}: ${String(error instanceof Error ? error.message : error)}`);
        resolve({ exited: true, code: 127 });
      }
    });
  }

  /** Requests every service to start; each starts once its dependencies are running. */
  startAll(): void {
    for (const name of this.order) this.dispatch(name, { kind: 'start' });
    this.startReady();
  }

  /** Stops services in reverse dependency order, each fully before the next. */
  async stopAll(): Promise<void> {
    for (const name of [...this.order].reverse()) await this.stop(name);
  }

  /** Stops one service; resolves once it is down. */
  stop(name: string): Promise<void> {
    const service = this.services.get(name);
    if (!service) return Promise.resolve();
    return new Promise((resolve) => {
      service.stopWaiters.push(resolve);
      this.dispatch(name, { kind: 'stop' });
    });
  }

  /** Reaps every exited child and routes each exit to its owner. */
  reapAll(): void {
    for (let child = this.sys.reap(); child; child = this.sys.reap()) {
      const handler = this.exitHandlers.get(child.pid);
      if (!handler) continue; // An orphan re-parented to us: reaping it is all it needs.
      this.exitHandlers.delete(child.pid);
      handler(child.status);
    }
  }

  /** True once every service has been started at least once (or has ended by policy). */
  allStarted(): boolean {
    return [...this.services.values()].every((s) => s.runtime.state !== 'stopped' && s.runtime.state !== 'waiting');
  }

  /** Service names, states and pids, in start order. */
  status(): { name: string; state: string; pid?: number; restarts: number }[] {
    return this.order.map((name) => {
      const s = this.services.get(name)!;
      return { name, state: s.runtime.state, pid: s.pid, restarts: s.runtime.restarts };
    });
  }

  private dispatch(name: string, event: ServiceEvent): void {
    const service = this.services.get(name);
    if (!service) return;
    const { next, effects } = transition(service.runtime, event, service.config, this.sys.now());
    service.runtime = next;
    for (const effect of effects) this.apply(service, effect);
    // A service back from backoff waits for its dependencies like a first start.
    if (next.state === 'waiting' && event.kind === 'timerFired') this.startReady();
    this.onChange();
  }

  private apply(service: Supervised, effect: Effect): void {
    const name = service.config.name;
    switch (effect.kind) {
      case 'spawn':
        this.spawn(service);
        break;
      case 'started':
        this.log.info(`started ${name} (pid ${service.pid ?? '-'})`);
        this.startReady();
        break;
      case 'signal':
        if (service.pid !== undefined) {
          if (effect.signal === 'kill') this.log.warn(`${name} did not stop in time: killing it`);
          else this.log.info(`stopping ${name} (pid ${service.pid})`);
          this.signalGroup(service.pid, effect.signal === 'term' ? this.signals.term : this.signals.kill);
        }
        break;
      case 'timer':
        if (service.timer) this.sys.clearTimeout(service.timer);
        service.timer = this.sys.setTimeout(() => {
          service.timer = undefined;
          this.dispatch(name, { kind: 'timerFired' });
        }, effect.ms);
        break;
      case 'cancelTimer':
        if (service.timer) this.sys.clearTimeout(service.timer);
        service.timer = undefined;
        break;
      case 'log':
        this.log.info(`${name} ${effect.text}`);
        break;
      case 'stopped':
        for (const resolve of service.stopWaiters.splice(0)) resolve();
        break;
    }
  }

  private spawn(service: Supervised): void {
    const name = service.config.name;
    try {
      const pid = spawnCaptured(this.sys, this.log, service.config);
      service.pid = pid;
      this.exitHandlers.set(pid, (status) => {
        service.pid = undefined;
        if (service.runtime.state !== 'stopping') this.log.info(`${name} (pid ${pid}) ended: ${describeExit(status)}`);
        this.dispatch(name, { kind: 'exited', status });
      });
    } catch (error) {
      service.pid = undefined;
      this.log.warn(`unable to start ${name}: ${error instanceof Error ? error.message : String(error)}`);
      // Deliver the failure as an exit on the next turn, so the model sees spawn and exit in order.
      this.sys.setTimeout(() => this.dispatch(name, { kind: 'exited', status: { exited: true, code: 127 } }), 0);
    }
  }

  /** Moves every waiting service whose dependencies are all running into running. */
  private startReady(): void {
    for (const name of this.order) {
      const service = this.services.get(name)!;
      if (service.runtime.state !== 'waiting') continue;
      const ready = service.config.dependsOn.every((dep) => this.services.get(dep)?.runtime.state === 'running');
      if (ready) this.dispatch(name, { kind: 'depsReady' });
    }
  }

  /** Signals the service's process group (it runs in its own session), falling back to the pid. */
  private signalGroup(pid: number, signal: number): void {
    try {
      this.sys.kill(-pid, signal);
    } catch {
      try {
        this.sys.kill(pid, signal);
      } catch (error) {
        this.log.warn(`unable to signal pid ${pid}: ${String(error)}`);
      }
    }
  }
}
