/**
 * The service lifecycle table (see service.ts), executable: every row is one
 * call of `transition`, and asserts the next state and the effects, in order.
 * This is the one copy of the table; the header of service.ts points here.
 *
 *   state      the state before; "stopping (reason)" also sets the stop reason
 *   event      one of `events` below
 *   next       the state after; a stopping service shows its stop reason
 *   effects    what the supervisor is asked to do. `log` effects are left out:
 *              their text is checked in service.test.ts and the supervisor tests.
 *   given      what else the row needs: the policy or the run so far (`givens`)
 *
 * Every row runs at 500 ms into a run that started at 0, so a run that ends is a
 * quick failure (backoff.resetAfterMs is 1000). Any state and event that no row
 * names (by event kind) must change nothing: the last test checks that.
 */
import test from 'ava';
import { initialRuntime, transition, type Effect, type ServiceEvent, type ServicePolicy, type ServiceRuntime, type ServiceState, type StopReason } from './service.ts';

const policy: ServicePolicy = {
  type: 'simple',
  restart: 'always',
  backoff: { initialMs: 100, maxMs: 400, resetAfterMs: 1000 },
  restartLimit: 3,
  onFailed: 'stay',
  startTimeoutMs: 3000,
  stopTimeoutMs: 5000,
  hasReadyProbe: false,
  hasHealthCheck: false,
  healthRetries: 3,
  healthStartPeriodMs: 0,
};
const now = 500;

const events = {
  start: { kind: 'start' },
  stop: { kind: 'stop' },
  restart: { kind: 'restart' },
  depsMet: { kind: 'depsMet' },
  depsLost: { kind: 'depsLost', dependency: 'db' },
  readyOk: { kind: 'readyOk' },
  'health ok': { kind: 'healthResult', ok: true },
  'health failed': { kind: 'healthResult', ok: false, detail: 'connection refused' },
  timerFired: { kind: 'timerFired' },
  'exit 0': { kind: 'exited', status: { exited: true, code: 0 } },
  'exit 1': { kind: 'exited', status: { exited: true, code: 1 } },
  killed: { kind: 'exited', status: { exited: false, signal: 9 } },
} satisfies Record<string, ServiceEvent>;
type EventName = keyof typeof events;

const givens = {
  'ready probe': { policy: { hasReadyProbe: true } },
  'health check': { policy: { hasHealthCheck: true }, runtime: { health: 'unknown' } },
  healthy: { policy: { hasHealthCheck: true }, runtime: { health: 'healthy' } },
  '2 failed checks': { policy: { hasHealthCheck: true }, runtime: { health: 'unknown', healthFailures: 2 } },
  'start period': { policy: { hasHealthCheck: true, healthStartPeriodMs: 1000 }, runtime: { health: 'unknown' } },
  oneshot: { policy: { type: 'oneshot', restart: 'on-failure' } },
  'on-failure': { policy: { restart: 'on-failure' } },
  never: { policy: { restart: 'never' } },
  '2 quick failures': { runtime: { failures: 2 } },
  'limit reached': { runtime: { failures: 3 } },
  'reboot when failed': { policy: { onFailed: 'reboot' } },
} satisfies Record<string, { policy?: Partial<ServicePolicy>; runtime?: Partial<ServiceRuntime> }>;
type Given = keyof typeof givens;

type Row = [state: string, event: EventName, next: string, effects: string[], given?: Given[]];

/** What stopping asks for: no more probes, the stop signal, and the kill timer. */
const beginStop = ['probe(none)', 'signal(stop)', 'timer(stop timeout)'];
/** What the end of a starting or running process asks for. */
const ended = ['probe(none)', 'cancelTimer', 'cleanup', 'changed'];
/** What the end of a stopping process asks for. */
const stopEnded = ['cancelTimer', 'cleanup', 'changed'];

const table: Row[] = [
  // state                    event            next                       effects                                                   given
  // Start: a service waits for the supervisor to find its dependencies met.
  ['stopped',                 'start',         'waiting',                 []],
  ['exited',                  'start',         'waiting',                 []],
  ['failed',                  'start',         'waiting',                 []],
  // Dependencies met: spawn. Starting until the ready probe passes, or running at once.
  ['waiting',                 'depsMet',       'starting',                ['spawn', 'timer(start timeout)', 'probe(ready)', 'changed'], ['ready probe']],
  ['waiting',                 'depsMet',       'running',                 ['spawn', 'changed']],
  ['waiting',                 'depsMet',       'running',                 ['spawn', 'probe(health)', 'changed'],                    ['health check']],
  ['starting',                'readyOk',       'running',                 ['cancelTimer', 'probe(none)', 'changed'],                ['ready probe']],
  ['starting',                'readyOk',       'running',                 ['cancelTimer', 'probe(health)', 'changed'],              ['ready probe', 'health check']],
  ['starting',                'timerFired',    'stopping (startTimeout)', beginStop,                                                ['ready probe']],
  // Health checks: failures below `retries` are counted, at `retries` the service is stopped.
  ['running',                 'health ok',     'running',                 ['changed'],                                              ['health check']],
  ['running',                 'health ok',     'running',                 [],                                                       ['healthy']],
  ['running',                 'health failed', 'running',                 [],                                                       ['health check']],
  ['running',                 'health failed', 'running',                 [],                                                       ['2 failed checks', 'start period']],
  ['running',                 'health failed', 'stopping (unhealthy)',    ['changed', ...beginStop],                                ['2 failed checks']],
  // A `healthy` dependency is lost.
  ['starting',                'depsLost',      'stopping (depsLost)',     ['changed', ...beginStop],                                ['ready probe']],
  ['running',                 'depsLost',      'stopping (depsLost)',     ['changed', ...beginStop]],
  // The process ended by itself: by the restart policy, back off, stay down, or fail.
  ['running',                 'exit 1',        'backoff',                 [...ended, 'timer(0 ms)']],
  ['running',                 'exit 0',        'backoff',                 [...ended, 'timer(0 ms)']],
  ['running',                 'killed',        'backoff',                 [...ended, 'timer(200 ms)'],                              ['2 quick failures']],
  ['starting',                'exit 1',        'backoff',                 [...ended, 'timer(0 ms)'],                                ['ready probe']],
  ['running',                 'exit 1',        'backoff',                 [...ended, 'timer(0 ms)'],                                ['on-failure']],
  ['running',                 'exit 0',        'exited',                  ended,                                                    ['on-failure']],
  ['running',                 'exit 1',        'failed',                  ended,                                                    ['never']],
  ['running',                 'exit 0',        'exited',                  ended,                                                    ['never']],
  ['running',                 'exit 1',        'failed',                  ended,                                                    ['limit reached']],
  ['running',                 'exit 1',        'failed',                  [...ended, 'reboot'],                                     ['limit reached', 'reboot when failed']],
  ['backoff',                 'timerFired',    'waiting',                 []],
  // Stopping: killed after the stop timeout; once down, where it goes depends on why it was stopped.
  ['stopping (stop)',         'timerFired',    'stopping (stop)',         ['signal(kill)']],
  ['stopping (stop)',         'killed',        'stopped',                 [...stopEnded, 'stopped']],
  ['stopping (restart)',      'exit 0',        'waiting',                 stopEnded],
  ['stopping (depsLost)',     'exit 0',        'waiting',                 stopEnded],
  ['stopping (unhealthy)',    'exit 0',        'backoff',                 [...stopEnded, 'timer(0 ms)']],
  ['stopping (startTimeout)', 'killed',        'backoff',                 [...stopEnded, 'timer(0 ms)']],
  ['stopping (unhealthy)',    'exit 0',        'failed',                  stopEnded,                                                ['limit reached']],
  ['stopping (startTimeout)', 'exit 0',        'failed',                  stopEnded,                                                ['never']],
  // Stop, in each state.
  ['starting',                'stop',          'stopping (stop)',         beginStop,                                                ['ready probe']],
  ['running',                 'stop',          'stopping (stop)',         beginStop],
  ['waiting',                 'stop',          'stopped',                 ['cancelTimer', 'stopped', 'changed']],
  ['backoff',                 'stop',          'stopped',                 ['cancelTimer', 'stopped', 'changed']],
  ['stopping (restart)',      'stop',          'stopping (stop)',         []],
  ['stopped',                 'stop',          'stopped',                 ['stopped']],
  ['exited',                  'stop',          'exited',                  ['stopped']],
  ['failed',                  'stop',          'failed',                  ['stopped']],
  // Restart, in each state: a running service is stopped first; a backing-off one skips the wait.
  ['starting',                'restart',       'stopping (restart)',      beginStop,                                                ['ready probe']],
  ['running',                 'restart',       'stopping (restart)',      beginStop],
  ['backoff',                 'restart',       'waiting',                 ['cancelTimer']],
  ['stopped',                 'restart',       'waiting',                 []],
  ['exited',                  'restart',       'waiting',                 []],
  ['failed',                  'restart',       'waiting',                 []],
  ['waiting',                 'restart',       'waiting',                 []],
  ['stopping (stop)',         'restart',       'stopping (stop)',         []],
  // A oneshot is starting while it runs; exit 0 makes it exited, which satisfies its dependants.
  ['waiting',                 'depsMet',       'starting',                ['spawn', 'timer(start timeout)', 'changed'],             ['oneshot']],
  ['starting',                'exit 0',        'exited',                  ended,                                                    ['oneshot']],
  ['starting',                'exit 1',        'backoff',                 [...ended, 'timer(0 ms)'],                                ['oneshot']],
  ['starting',                'readyOk',       'starting',                [],                                                       ['oneshot']],
  ['starting',                'timerFired',    'stopping (startTimeout)', beginStop,                                                ['oneshot']],
];

/** "stopping (restart)" -> the state and its stop reason. */
function parseState(text: string): { state: ServiceState; stopReason?: StopReason } {
  const match = /^(\w+)(?: \((\w+)\))?$/.exec(text);
  if (!match) throw new Error(`bad state ${text}`);
  return { state: match[1] as ServiceState, stopReason: match[2] as StopReason | undefined };
}

function showState(runtime: ServiceRuntime): string {
  return runtime.state === 'stopping' ? `stopping (${runtime.stopReason})` : runtime.state;
}

function showEffect(effect: Effect, p: ServicePolicy): string {
  switch (effect.kind) {
    case 'signal':
      return `signal(${effect.signal})`;
    case 'probe':
      return `probe(${effect.which})`;
    case 'timer':
      return effect.ms === p.startTimeoutMs ? 'timer(start timeout)' : effect.ms === p.stopTimeoutMs ? 'timer(stop timeout)' : `timer(${effect.ms} ms)`;
    default:
      return effect.kind;
  }
}

function run(state: string, event: EventName, given: Given[] = []): { next: string; effects: string[] } {
  const p: ServicePolicy = Object.assign({ ...policy }, ...given.map((g) => ('policy' in givens[g] ? givens[g].policy : {})));
  const runtime: ServiceRuntime = Object.assign({ ...initialRuntime }, ...given.map((g) => ('runtime' in givens[g] ? givens[g].runtime : {})), parseState(state));
  const { next, effects } = transition(runtime, events[event], p, now);
  return { next: showState(next), effects: effects.filter((e) => e.kind !== 'log').map((e) => showEffect(e, p)) };
}

for (const [state, event, next, effects, given = []] of table) {
  test(`${state} + ${event}${given.length ? ` [${given.join(', ')}]` : ''} -> ${next}`, (t) => {
    t.deepEqual(run(state, event, given), { next, effects });
  });
}

test('every state and event the table does not name changes nothing', (t) => {
  const states: ServiceState[] = ['stopped', 'waiting', 'starting', 'running', 'backoff', 'stopping', 'exited', 'failed'];
  // Keyed by event kind: a row for "exit 1" names what an exit does in that state.
  const named = new Set(table.map(([state, event]) => `${parseState(state).state} ${events[event].kind}`));
  let checked = 0;
  for (const state of states) {
    for (const event of Object.keys(events) as EventName[]) {
      if (named.has(`${state} ${events[event].kind}`)) continue;
      const from: ServiceRuntime = { ...initialRuntime, state, stopReason: state === 'stopping' ? 'stop' : undefined };
      const { next, effects } = transition(from, events[event], policy, now);
      t.is(next, from, `${state} + ${event} keeps the runtime`);
      t.deepEqual(effects, [], `${state} + ${event} has no effects`);
      checked++;
    }
  }
  t.true(checked > 40, `${checked} pairs checked`);
});
