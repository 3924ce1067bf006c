/**
 * The service lifecycle as an explicit state x event table. Pure: `transition`
 * returns the next state and a list of effects; the supervisor carries the
 * effects out (spawn, signal, timers, log) and feeds results back as events.
 *
 *   state    | event        | next      | effects
 *   ---------+--------------+-----------+---------------------------------------
 *   stopped  | start        | waiting   | (supervisor checks dependencies)
 *   exited   | start        | waiting   |
 *   waiting  | depsReady    | running   | spawn, started
 *   running  | exited       | backoff   | log, timer(restart, backoff delay)   policy says restart
 *   running  | exited       | exited    | log                                  policy says stay down
 *   backoff  | timerFired   | waiting   |
 *   running  | stop         | stopping  | signal(term), timer(kill, stop timeout)
 *   stopping | timerFired   | stopping  | signal(kill)
 *   stopping | exited       | stopped   | cancelTimer, log, stopped
 *   waiting, backoff | stop | stopped   | cancelTimer, stopped
 *   stopped, exited  | stop | (same)    | stopped
 *
 * A spawn failure arrives as `exited` with code 127, like a shell's "not found".
 */
import type { RestartPolicy } from '../config.ts';
import type { ExitStatus } from '../sys/sys.ts';
import { describeExit } from '../sys/signals.ts';
import { defaultBackoff, nextFailureCount, restartDelay, shouldRestart, type BackoffSettings } from './restart.ts';

export type ServiceState = 'stopped' | 'waiting' | 'running' | 'backoff' | 'stopping' | 'exited';

export type ServiceEvent =
  | { kind: 'start' }
  | { kind: 'depsReady' }
  | { kind: 'exited'; status: ExitStatus }
  | { kind: 'timerFired' }
  | { kind: 'stop' };

export type Effect =
  | { kind: 'spawn' }
  | { kind: 'started' }
  | { kind: 'signal'; signal: 'term' | 'kill' }
  | { kind: 'timer'; ms: number }
  | { kind: 'cancelTimer' }
  | { kind: 'log'; text: string }
  | { kind: 'stopped' };

/** What the model remembers about a service between events. */
export interface ServiceRuntime {
  state: ServiceState;
  /** Consecutive quick failures, for backoff. */
  failures: number;
  /** Total restarts since boot. */
  restarts: number;
  /** Monotonic ms when the current or last run started. */
  startedAt: number;
}

export interface ServicePolicy {
  restart: RestartPolicy;
  stopTimeoutMs: number;
  backoff?: BackoffSettings;
}

export const initialRuntime: ServiceRuntime = { state: 'stopped', failures: 0, restarts: 0, startedAt: 0 };

export interface Transition {
  next: ServiceRuntime;
  effects: Effect[];
}

/** Applies one event; events that do not apply in a state change nothing. */
export function transition(current: ServiceRuntime, event: ServiceEvent, policy: ServicePolicy, now: number): Transition {
  const stay: Transition = { next: current, effects: [] };
  const to = (state: ServiceState, effects: Effect[] = [], changes: Partial<ServiceRuntime> = {}): Transition => ({
    next: { ...current, ...changes, state },
    effects,
  });

  switch (event.kind) {
    case 'start':
      return current.state === 'stopped' || current.state === 'exited' ? to('waiting') : stay;

    case 'depsReady':
      return current.state === 'waiting' ? to('running', [{ kind: 'spawn' }, { kind: 'started' }], { startedAt: now }) : stay;

    case 'timerFired':
      if (current.state === 'backoff') return to('waiting');
      if (current.state === 'stopping') return to('stopping', [{ kind: 'signal', signal: 'kill' }]);
      return stay;

    case 'stop':
      if (current.state === 'running') return to('stopping', [{ kind: 'signal', signal: 'term' }, { kind: 'timer', ms: policy.stopTimeoutMs }]);
      if (current.state === 'waiting' || current.state === 'backoff') return to('stopped', [{ kind: 'cancelTimer' }, { kind: 'stopped' }]);
      if (current.state === 'stopped' || current.state === 'exited') return { next: current, effects: [{ kind: 'stopped' }] };
      return stay;

    case 'exited': {
      const how = describeExit(event.status);
      if (current.state === 'stopping') return to('stopped', [{ kind: 'cancelTimer' }, { kind: 'log', text: `stopped (${how})` }, { kind: 'stopped' }]);
      if (current.state !== 'running') return stay;
      if (!shouldRestart(policy.restart, event.status)) return to('exited', [{ kind: 'log', text: `exited (${how}); restart policy ${policy.restart}: not restarting` }]);
      const settings = policy.backoff ?? defaultBackoff;
      const failures = nextFailureCount(current.failures, now - current.startedAt, settings);
      const delay = restartDelay(failures, settings);
      return to('backoff', [{ kind: 'log', text: `exited (${how}); restarting in ${delay} ms` }, { kind: 'timer', ms: delay }], {
        failures,
        restarts: current.restarts + 1,
      });
    }
  }
}
