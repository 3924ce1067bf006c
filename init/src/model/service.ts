/**
 * The service lifecycle as an explicit state x event table. Pure: `transition`
 * returns the next runtime and a list of effects; the supervisor carries the
 * effects out (spawn, signal, timers, probes, log) and feeds results back as
 * events. Dependencies are evaluated by the supervisor (see dependencies.ts),
 * which sends `depsMet` and `depsLost`.
 *
 * The table, each state and event with the next state and the effects in
 * order, is written out once, as the rows of service-table.test.ts: each row is
 * run through `transition`, and any state and event no row names must change
 * nothing. Read it there; a change here that it does not describe fails it.
 *
 * A oneshot service is `starting` while it runs and becomes `exited` when it
 * ends with 0, which satisfies its dependants; any other end is a failure.
 */
import type { ServiceConfig } from '../../../contract/index.ts';
import type { ExitStatus } from '../sys/sys.ts';
import { describeExit } from '../sys/signals.ts';
import { nextFailureCount, restartDelay, shouldRestart, succeeded } from './restart.ts';

export type ServiceState = 'stopped' | 'waiting' | 'starting' | 'running' | 'backoff' | 'stopping' | 'exited' | 'failed';
export type Health = 'none' | 'unknown' | 'healthy' | 'unhealthy';
export type StopReason = 'stop' | 'restart' | 'depsLost' | 'unhealthy' | 'startTimeout';

export type ServiceEvent =
  | { kind: 'start' }
  | { kind: 'stop' }
  | { kind: 'restart' }
  | { kind: 'depsMet' }
  | { kind: 'depsLost'; dependency: string }
  | { kind: 'readyOk' }
  | { kind: 'healthResult'; ok: boolean; detail?: string }
  | { kind: 'exited'; status: ExitStatus }
  | { kind: 'timerFired' };

export type Effect =
  | { kind: 'spawn' }
  | { kind: 'signal'; signal: 'stop' | 'kill' }
  /** Kill whatever is left of the service's process tree (its cgroup) after its main process ended. */
  | { kind: 'cleanup' }
  | { kind: 'timer'; ms: number }
  | { kind: 'cancelTimer' }
  | { kind: 'probe'; which: 'ready' | 'health' | 'none' }
  | { kind: 'log'; text: string }
  /** The service's state or health changed in a way dependants may care about. */
  | { kind: 'changed' }
  | { kind: 'stopped' }
  | { kind: 'reboot'; reason: string };

/** What the model remembers about a service between events. */
export interface ServiceRuntime {
  state: ServiceState;
  health: Health;
  /** Why the service is `stopping`. */
  stopReason?: StopReason;
  /** Consecutive quick failures (the backoff streak). */
  failures: number;
  /** Total restarts since boot. */
  restarts: number;
  /** Consecutive failed health checks. */
  healthFailures: number;
  /** Monotonic ms when the current or last run started, and when it became ready. */
  startedAt: number;
  readyAt: number;
  /** How the last run ended, for status and for oneshot dependants. */
  lastExit?: ExitStatus;
  /** Why the service is failed or was last restarted. */
  reason?: string;
}

/** The parts of a service's configuration the model reads, plus what its probes imply. */
export type ServicePolicy = Pick<ServiceConfig, 'type' | 'restart' | 'backoff' | 'restartLimit' | 'onFailed' | 'startTimeoutMs' | 'stopTimeoutMs'> & {
  hasReadyProbe: boolean;
  hasHealthCheck: boolean;
  healthRetries: number;
  healthStartPeriodMs: number;
};

export const initialRuntime: ServiceRuntime = { state: 'stopped', health: 'none', failures: 0, restarts: 0, healthFailures: 0, startedAt: 0, readyAt: 0 };

export interface Transition {
  next: ServiceRuntime;
  effects: Effect[];
}

const active = (state: ServiceState) => state === 'starting' || state === 'running';

/** Applies one event; events that do not apply in a state change nothing. */
export function transition(current: ServiceRuntime, event: ServiceEvent, policy: ServicePolicy, now: number): Transition {
  const stay: Transition = { next: current, effects: [] };
  const to = (state: ServiceState, effects: Effect[] = [], changes: Partial<ServiceRuntime> = {}): Transition => ({
    next: { ...current, ...changes, state },
    effects,
  });
  const beginStop = (reason: StopReason, extra: Effect[] = [], changes: Partial<ServiceRuntime> = {}): Transition =>
    to('stopping', [...extra, { kind: 'probe', which: 'none' }, { kind: 'signal', signal: 'stop' }, { kind: 'timer', ms: policy.stopTimeoutMs }], { ...changes, stopReason: reason });

  switch (event.kind) {
    case 'start':
      if (current.state === 'stopped' || current.state === 'exited' || current.state === 'failed') return to('waiting', [], { failures: 0, reason: undefined });
      return stay;

    case 'restart':
      if (active(current.state)) return beginStop('restart', [{ kind: 'log', text: 'restarting on request' }]);
      if (current.state === 'backoff') return to('waiting', [{ kind: 'cancelTimer' }], { failures: 0 });
      return transition(current, { kind: 'start' }, policy, now);

    case 'depsMet': {
      if (current.state !== 'waiting') return stay;
      const health: Health = policy.hasHealthCheck ? 'unknown' : 'none';
      const base = { startedAt: now, health, healthFailures: 0, stopReason: undefined };
      if (policy.type === 'oneshot' || policy.hasReadyProbe) {
        const probe: Effect[] = policy.hasReadyProbe && policy.type !== 'oneshot' ? [{ kind: 'probe', which: 'ready' }] : [];
        return to('starting', [{ kind: 'spawn' }, { kind: 'timer', ms: policy.startTimeoutMs }, ...probe, { kind: 'changed' }], base);
      }
      return to('running', [{ kind: 'spawn' }, ...healthProbe(policy), { kind: 'changed' }], { ...base, readyAt: now });
    }

    case 'depsLost':
      if (!active(current.state)) return stay;
      return beginStop('depsLost', [{ kind: 'log', text: `stopping: dependency ${event.dependency} is down; will start again when it is back` }, { kind: 'changed' }]);

    case 'readyOk':
      if (current.state !== 'starting' || policy.type === 'oneshot') return stay;
      // Readiness is checked until ready, then never again: the ready probe gives way to the health check, or to nothing.
      return to('running', [{ kind: 'cancelTimer' }, { kind: 'log', text: `ready after ${Math.round(now - current.startedAt)} ms` }, afterReady(policy), { kind: 'changed' }], { readyAt: now });

    case 'healthResult': {
      if (current.state !== 'running' || !policy.hasHealthCheck) return stay;
      if (event.ok) {
        const changed = current.health !== 'healthy';
        return to('running', changed ? [{ kind: 'log', text: 'healthy' }, { kind: 'changed' }] : [], { health: 'healthy', healthFailures: 0 });
      }
      if (now - current.readyAt < policy.healthStartPeriodMs) return stay;
      const healthFailures = current.healthFailures + 1;
      const detail = event.detail ? `: ${event.detail}` : '';
      if (healthFailures < policy.healthRetries) {
        return to('running', [{ kind: 'log', text: `health check failed (${healthFailures}/${policy.healthRetries})${detail}` }], { healthFailures });
      }
      return beginStop('unhealthy', [{ kind: 'log', text: `unhealthy after ${healthFailures} failed checks${detail}; restarting` }, { kind: 'changed' }], {
        health: 'unhealthy',
        healthFailures,
        reason: `unhealthy${detail}`,
      });
    }

    case 'timerFired':
      if (current.state === 'backoff') return to('waiting');
      if (current.state === 'stopping') return to('stopping', [{ kind: 'log', text: `did not stop within ${policy.stopTimeoutMs} ms: killing it` }, { kind: 'signal', signal: 'kill' }]);
      if (current.state === 'starting') {
        const what = policy.type === 'oneshot' ? 'did not finish' : 'did not become ready';
        return beginStop('startTimeout', [{ kind: 'log', text: `${what} within ${policy.startTimeoutMs} ms` }], { reason: `${what} in time` });
      }
      return stay;

    case 'stop':
      if (active(current.state)) return beginStop('stop');
      if (current.state === 'waiting' || current.state === 'backoff') return to('stopped', [{ kind: 'cancelTimer' }, { kind: 'stopped' }, { kind: 'changed' }]);
      if (current.state === 'stopping') return { next: { ...current, stopReason: 'stop' }, effects: [] };
      return { next: current, effects: [{ kind: 'stopped' }] };

    case 'exited': {
      const how = describeExit(event.status);
      if (current.state === 'stopping') {
        const ended: Effect[] = [{ kind: 'cancelTimer' }, { kind: 'cleanup' }, { kind: 'changed' }];
        const common = { lastExit: event.status, health: (policy.hasHealthCheck ? 'unknown' : 'none') as Health };
        switch (current.stopReason) {
          case 'restart':
            return to('waiting', [...ended, { kind: 'log', text: `stopped (${how}); starting again` }], { ...common, restarts: current.restarts + 1, failures: 0 });
          case 'depsLost':
            return to('waiting', [...ended, { kind: 'log', text: `stopped (${how})` }], common);
          case 'unhealthy':
          case 'startTimeout':
            return afterFailure(current, { exited: true, code: 1 }, `${current.reason ?? 'failed'} (${how})`, policy, now, ended, common);
          default:
            return to('stopped', [...ended, { kind: 'log', text: `stopped (${how})` }, { kind: 'stopped' }], common);
        }
      }
      if (!active(current.state)) return stay;
      const ended: Effect[] = [{ kind: 'probe', which: 'none' }, { kind: 'cancelTimer' }, { kind: 'cleanup' }, { kind: 'changed' }];
      const common = { lastExit: event.status, health: (policy.hasHealthCheck ? 'unknown' : 'none') as Health };
      if (policy.type === 'oneshot' && succeeded(event.status)) return to('exited', [...ended, { kind: 'log', text: `finished (${how})` }], { ...common, failures: 0 });
      if (!shouldRestart(policy.restart, event.status)) {
        const state = succeeded(event.status) ? 'exited' : 'failed';
        return to(state, [...ended, { kind: 'log', text: `exited (${how}); restart policy ${policy.restart}: not restarting` }], { ...common, reason: `exited (${how})` });
      }
      return afterFailure(current, event.status, `exited (${how})`, policy, now, ended, common);
    }
  }
}

/** Once ready, the probe that follows the ready probe: the health check, or none. */
function afterReady(policy: ServicePolicy): Effect {
  return { kind: 'probe', which: policy.hasHealthCheck ? 'health' : 'none' };
}

function healthProbe(policy: ServicePolicy): Effect[] {
  return policy.hasHealthCheck ? [{ kind: 'probe', which: 'health' }] : [];
}

/** A run ended badly (or was ended for being unhealthy): back off and restart, or fail at the limit. */
function afterFailure(
  current: ServiceRuntime,
  status: ExitStatus,
  what: string,
  policy: ServicePolicy,
  now: number,
  effects: Effect[],
  changes: Partial<ServiceRuntime>,
): Transition {
  const failures = nextFailureCount(current.failures, now - current.startedAt, policy.backoff);
  if (policy.restart === 'never' || (policy.restart === 'on-failure' && succeeded(status))) {
    return { next: { ...current, ...changes, state: 'failed', failures, reason: what }, effects: [...effects, { kind: 'log', text: `${what}; restart policy ${policy.restart}: not restarting` }] };
  }
  if (policy.restartLimit !== undefined && failures > policy.restartLimit) {
    const reason = `${what}; gave up after ${policy.restartLimit} quick restarts`;
    const reboot: Effect[] = policy.onFailed === 'reboot' ? [{ kind: 'reboot', reason }] : [];
    return { next: { ...current, ...changes, state: 'failed', failures, reason }, effects: [...effects, { kind: 'log', text: `failed: ${reason}` }, ...reboot] };
  }
  const delay = restartDelay(failures, policy.backoff);
  return {
    next: { ...current, ...changes, state: 'backoff', failures, restarts: current.restarts + 1, reason: what },
    effects: [...effects, { kind: 'log', text: `${what}; restarting in ${delay} ms` }, { kind: 'timer', ms: delay }],
  };
}
