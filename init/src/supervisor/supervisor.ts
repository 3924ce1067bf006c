/**
 * Runs onboot tasks and supervises services: it feeds events into the pure
 * service model (model/service.ts), carries out the effects it returns, and
 * re-evaluates dependencies whenever a service changes. Every child exit reaches
 * it through `reapAll`, including orphans re-parented to the init, which are
 * reaped and forgotten.
 */
import { type ProcessConfig, type ServiceConfig, startOrder } from '../../../contract/index.ts';
import { runProbe, type ProbeResult } from '../health/probe.ts';
import { ProbeLoop } from '../health/probe-loop.ts';
import type { ModuleLoader } from '../boot/module-loader.ts';
import type { Logger } from '../logs/logger.ts';
import { conditionMet } from '../model/dependencies.ts';
import { initialRuntime, transition, type Effect, type ServiceEvent, type ServicePolicy, type ServiceRuntime } from '../model/service.ts';
import { describeExit } from '../sys/signals.ts';
import type { ExitStatus, Sys, TimerHandle } from '../sys/sys.ts';
import type { Cgroups } from './cgroups.ts';
import { spawnCaptured } from './process.ts';

export interface SupervisorOptions {
  cgroups?: Cgroups;
  /** Loads a service's `modules` before it is spawned; without it they are not loaded (the init is not PID 1). */
  modules?: ModuleLoader;
  /** A failed service with `on_failed: reboot` asks for this. */
  onReboot?: (reason: string) => void;
}

interface Supervised {
  config: ServiceConfig;
  policy: ServicePolicy;
  runtime: ServiceRuntime;
  pid?: number;
  timer?: TimerHandle;
  probe?: ProbeLoop;
  cgroup?: string;
  stopWaiters: (() => void)[];
}

/** One service's status, as `imagoctl status` shows it. */
export interface ServiceStatus {
  name: string;
  state: string;
  health: string;
  pid?: number;
  restarts: number;
  /** Seconds since the current run started, while it runs. */
  uptime?: number;
  reason?: string;
  lastExit?: string;
}

function policyOf(config: ServiceConfig): ServicePolicy {
  return {
    type: config.type,
    restart: config.restart,
    backoff: config.backoff,
    restartLimit: config.restartLimit,
    onFailed: config.onFailed,
    startTimeoutMs: config.startTimeoutMs,
    stopTimeoutMs: config.stopTimeoutMs,
    hasReadyProbe: config.ready !== undefined,
    hasHealthCheck: config.health !== undefined,
    healthRetries: config.health?.retries ?? 1,
    healthStartPeriodMs: config.health?.startPeriodMs ?? 0,
  };
}

export class Supervisor {
  private readonly services = new Map<string, Supervised>();
  private readonly order: string[];
  /** Who is waiting for which pid: services, onboot tasks and probe commands. */
  private readonly exitHandlers = new Map<number, (status: ExitStatus) => void>();
  private onChange: () => void = () => {};
  private evaluating = false;
  private evaluateAgain = false;

  constructor(
    private readonly sys: Sys,
    private readonly log: Logger,
    configs: ServiceConfig[],
    private readonly options: SupervisorOptions,
  ) {
    for (const config of configs) this.services.set(config.name, { config, policy: policyOf(config), runtime: initialRuntime, stopWaiters: [] });
    const result = startOrder(configs.map((c) => ({ name: c.name, dependsOn: c.dependsOn.map((d) => d.name) })));
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
        this.log.warn(`unable to start ${config.name}: ${describe(error)}`);
        resolve({ exited: true, code: 127 });
      }
    });
  }

  /** Requests every service to start; each starts once its dependencies allow. */
  startAll(): void {
    for (const name of this.order) this.dispatch(name, { kind: 'start' });
    this.evaluate();
  }

  /** Starts one service (and re-evaluates dependencies); false when there is no such service. */
  start(name: string): boolean {
    if (!this.services.has(name)) return false;
    this.dispatch(name, { kind: 'start' });
    this.evaluate();
    return true;
  }

  restart(name: string): boolean {
    if (!this.services.has(name)) return false;
    this.dispatch(name, { kind: 'restart' });
    this.evaluate();
    return true;
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

  has(name: string): boolean {
    return this.services.has(name);
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

  /** True once every service has settled after boot: running, finished, failed or backing off. */
  allSettled(): boolean {
    return [...this.services.values()].every((s) => !['stopped', 'waiting', 'starting'].includes(s.runtime.state));
  }

  /** Every service's status, in start order. */
  status(): ServiceStatus[] {
    const now = this.sys.now();
    return this.order.map((name) => {
      const { runtime, pid } = this.services.get(name)!;
      const running = runtime.state === 'starting' || runtime.state === 'running' || runtime.state === 'stopping';
      return {
        name,
        state: runtime.state,
        health: runtime.health,
        pid,
        restarts: runtime.restarts,
        uptime: running ? Math.round((now - runtime.startedAt) / 1000) : undefined,
        reason: (runtime.state === 'waiting' && this.waitingFor(name)) || runtime.reason,
        lastExit: runtime.lastExit && describeExit(runtime.lastExit),
      };
    });
  }

  /** What a waiting service waits for, e.g. "waiting for time (ready)": a status that only said "waiting" would leave the operator guessing. */
  private waitingFor(name: string): string | undefined {
    const unmet = this.services.get(name)!.config.dependsOn.filter((dep) => !this.met(dep.name, dep.condition));
    return unmet.length > 0 ? `waiting for ${unmet.map((dep) => `${dep.name} (${dep.condition})`).join(', ')}` : undefined;
  }

  private dispatch(name: string, event: ServiceEvent): void {
    const service = this.services.get(name);
    if (!service) return;
    const { next, effects } = transition(service.runtime, event, service.policy, this.sys.now());
    service.runtime = next;
    let changed = false;
    for (const effect of effects) {
      if (effect.kind === 'changed') changed = true;
      else this.apply(service, effect);
    }
    // A service back from backoff waits for its dependencies like a first start.
    if (changed || (event.kind === 'timerFired' && next.state === 'waiting')) this.evaluate();
    this.onChange();
  }

  /**
   * Starts waiting services whose dependencies are met, and stops running ones
   * whose `healthy` dependencies are no longer healthy (they start again once the
   * dependency is back). `started` and `ready` only gate the start: a dependency
   * that restarts does not take its dependants down. Re-runs until nothing
   * changes; never re-enters itself.
   */
  private evaluate(): void {
    if (this.evaluating) {
      this.evaluateAgain = true;
      return;
    }
    this.evaluating = true;
    try {
      do {
        this.evaluateAgain = false;
        for (const name of this.order) {
          const service = this.services.get(name)!;
          const { state } = service.runtime;
          if (state === 'waiting') {
            if (service.config.dependsOn.every((dep) => this.met(dep.name, dep.condition))) this.dispatch(name, { kind: 'depsMet' });
          } else if (state === 'starting' || state === 'running') {
            const lost = service.config.dependsOn.find((dep) => dep.condition === 'healthy' && !this.met(dep.name, dep.condition));
            if (lost) this.dispatch(name, { kind: 'depsLost', dependency: lost.name });
          }
        }
      } while (this.evaluateAgain);
    } finally {
      this.evaluating = false;
    }
  }

  private met(name: string, condition: ServiceConfig['dependsOn'][number]['condition']): boolean {
    const dependency = this.services.get(name);
    return dependency !== undefined && conditionMet(condition, dependency.runtime);
  }

  private apply(service: Supervised, effect: Exclude<Effect, { kind: 'changed' }>): void {
    const name = service.config.name;
    switch (effect.kind) {
      case 'spawn':
        this.spawn(service);
        break;
      case 'signal':
        if (service.pid === undefined) break;
        if (effect.signal === 'kill') {
          if (!this.options.cgroups?.killAll(service.cgroup)) this.signalGroup(service.pid, this.sys.signals.KILL);
        } else {
          this.log.info(`stopping ${name} (pid ${service.pid})`);
          this.signalGroup(service.pid, this.sys.signals[service.config.stopSignal]);
        }
        break;
      case 'cleanup':
        // The main process is gone; whatever it left behind in its cgroup goes with it.
        if (this.options.cgroups?.populated(service.cgroup)) this.options.cgroups.killAll(service.cgroup);
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
      case 'probe':
        this.probe(service, effect.which);
        break;
      case 'log':
        this.log.info(`${name} ${effect.text}`);
        break;
      case 'stopped':
        for (const resolve of service.stopWaiters.splice(0)) resolve();
        break;
      case 'reboot':
        this.log.warn(`${name} failed and asks for a reboot: ${effect.reason}`);
        this.options.onReboot?.(`${name}: ${effect.reason}`);
        break;
    }
  }

  private spawn(service: Supervised): void {
    const name = service.config.name;
    // Before the first start; on a restart every one has been tried, and nothing is loaded again.
    if (service.config.modules) this.options.modules?.load(service.config.modules, name);
    try {
      service.cgroup ??= this.options.cgroups?.prepare(name, service.config.limits, (message) => this.log.warn(message));
      const pid = spawnCaptured(this.sys, this.log, service.config, service.cgroup);
      service.pid = pid;
      this.log.info(`started ${name} (pid ${pid})`);
      this.exitHandlers.set(pid, (status) => {
        service.pid = undefined;
        this.dispatch(name, { kind: 'exited', status });
      });
    } catch (error) {
      service.pid = undefined;
      this.log.warn(`unable to start ${name}: ${describe(error)}`);
      // Deliver the failure as an exit on the next turn, so the model sees spawn and exit in order.
      this.sys.setTimeout(() => this.dispatch(name, { kind: 'exited', status: { exited: true, code: 127 } }), 0);
    }
  }

  private probe(service: Supervised, which: 'ready' | 'health' | 'none'): void {
    service.probe?.stop();
    service.probe = undefined;
    const probe = which === 'ready' ? service.config.ready : which === 'health' ? service.config.health : undefined;
    if (!probe) return;
    const name = service.config.name;
    const loop = new ProbeLoop(
      this.sys,
      () => runProbe(this.sys, probe, (command, timeoutMs) => this.runProbeCommand(service.config, command, timeoutMs)),
      probe.intervalMs,
      (result) => {
        if (which === 'health') return this.dispatch(name, { kind: 'healthResult', ok: result.ok, detail: result.detail });
        if (!result.ok) return; // Not ready yet: try again after the interval.
        // Ready is checked until ready, never after: this loop ends here whatever the model asks next.
        loop.stop();
        if (service.probe === loop) service.probe = undefined;
        this.dispatch(name, { kind: 'readyOk' });
      },
    );
    service.probe = loop;
    // A ready probe tries at once. Health checks start one interval after the
    // service started, or at once when a ready probe has just passed: the
    // service answers by then, and "healthy" (which dependants wait for) need
    // not lag a whole interval behind "ready".
    loop.start(which === 'ready' || service.config.ready ? 0 : probe.intervalMs);
  }

  /** Runs a probe command as the service's user; kills its group when it overruns. */
  private runProbeCommand(config: ServiceConfig, command: string[], timeoutMs: number): Promise<ProbeResult> {
    return new Promise((resolve) => {
      let pid: number;
      try {
        pid = this.sys.spawn({ command, env: config.env, cwd: config.workdir, uid: config.uid, gid: config.gid, groups: config.groups, umask: config.umask, setsid: true });
      } catch (error) {
        resolve({ ok: false, detail: describe(error) });
        return;
      }
      const timer = this.sys.setTimeout(() => this.signalGroup(pid, this.sys.signals.KILL), timeoutMs);
      this.exitHandlers.set(pid, (status) => {
        this.sys.clearTimeout(timer);
        const ok = status.exited && status.code === 0;
        resolve(ok ? { ok } : { ok, detail: `${command.join(' ')}: ${status.exited ? `exit ${status.code}` : `killed (signal ${status.signal})`}` });
      });
    });
  }

  /** Signals the service's process group (it runs in its own session), falling back to the pid. */
  private signalGroup(pid: number, signal: number): void {
    try {
      this.sys.kill(-pid, signal);
    } catch {
      try {
        this.sys.kill(pid, signal);
      } catch (error) {
        this.log.warn(`unable to signal pid ${pid}: ${describe(error)}`);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
