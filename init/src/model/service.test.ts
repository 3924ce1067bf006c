import test from 'ava';
import { initialRuntime, transition, type ServiceEvent, type ServicePolicy, type ServiceRuntime } from './service.ts';

const policy: ServicePolicy = {
  type: 'simple',
  restart: 'always',
  backoff: { initialMs: 100, maxMs: 400, resetAfterMs: 1000 },
  onFailed: 'stay',
  startTimeoutMs: 3000,
  stopTimeoutMs: 5000,
  hasReadyProbe: false,
  hasHealthCheck: false,
  healthRetries: 3,
  healthStartPeriodMs: 0,
};

/** Runs events through the table and returns the states visited and every effect, as short strings. */
function drive(events: [ServiceEvent, number][], p: ServicePolicy = policy, start: ServiceRuntime = initialRuntime) {
  let runtime = start;
  const states: string[] = [];
  const effects: string[] = [];
  for (const [event, now] of events) {
    const result = transition(runtime, event, p, now);
    runtime = result.next;
    states.push(runtime.state);
    effects.push(
      ...result.effects.map((e) =>
        e.kind === 'timer' ? `timer ${e.ms}` : e.kind === 'signal' ? `signal ${e.signal}` : e.kind === 'probe' ? `probe ${e.which}` : e.kind === 'log' ? `log ${e.text}` : e.kind,
      ),
    );
  }
  return { runtime, states, effects };
}

const crash = { kind: 'exited', status: { exited: true, code: 1 } } as const;
const clean = { kind: 'exited', status: { exited: true, code: 0 } } as const;
const start = { kind: 'start' } as const;
const depsMet = { kind: 'depsMet' } as const;
const timer = { kind: 'timerFired' } as const;

test('start waits for dependencies, then spawns and is running', (t) => {
  const { states, effects } = drive([[start, 0], [depsMet, 0]]);
  t.deepEqual(states, ['waiting', 'running']);
  t.deepEqual(effects, ['spawn', 'changed']);
});

test('with a ready probe the service is starting until the probe passes', (t) => {
  const { states, effects } = drive([[start, 0], [depsMet, 0], [{ kind: 'readyOk' }, 250]], { ...policy, hasReadyProbe: true });
  t.deepEqual(states, ['waiting', 'starting', 'running']);
  t.deepEqual(effects, ['spawn', 'timer 3000', 'probe ready', 'changed', 'cancelTimer', 'log ready after 250 ms', 'probe none', 'changed']);
});

test('a service that is not ready in time is stopped and restarted with backoff', (t) => {
  const { states, effects } = drive([[start, 0], [depsMet, 0], [timer, 3000], [{ kind: 'exited', status: { exited: false, signal: 15 } }, 3001]], { ...policy, hasReadyProbe: true });
  t.deepEqual(states, ['waiting', 'starting', 'stopping', 'backoff']);
  t.true(effects.includes('log did not become ready within 3000 ms'));
  t.true(effects.includes('signal stop'));
  t.is(effects.at(-1), 'timer 0', 'the first restart of a streak is immediate');
});

test('a crash loop restarts at once, then backs off exponentially up to the cap', (t) => {
  const events: [ServiceEvent, number][] = [[start, 0]];
  for (let i = 0; i < 6; i++) events.push([depsMet, i * 10], [crash, i * 10 + 1], [timer, i * 10 + 2]);
  const { effects, runtime } = drive(events);
  t.deepEqual(effects.filter((e) => e.startsWith('timer')), ['timer 0', 'timer 100', 'timer 200', 'timer 400', 'timer 400', 'timer 400']);
  t.is(runtime.restarts, 6);
});

test('a stable run resets the backoff streak', (t) => {
  const { effects } = drive([[start, 0], [depsMet, 0], [crash, 10], [timer, 10], [depsMet, 10], [crash, 20], [timer, 120], [depsMet, 120], [crash, 5000]]);
  t.deepEqual(effects.filter((e) => e.startsWith('timer')), ['timer 0', 'timer 100', 'timer 0']);
});

test('the restart limit marks the service failed, and reboots when configured', (t) => {
  const events: [ServiceEvent, number][] = [[start, 0]];
  for (let i = 0; i < 4; i++) events.push([depsMet, i], [crash, i], [timer, i]);
  const limited = drive(events, { ...policy, restartLimit: 3 });
  t.is(limited.runtime.state, 'failed');
  t.is(limited.runtime.restarts, 3);
  t.false(limited.effects.includes('reboot'));
  const rebooting = drive(events, { ...policy, restartLimit: 3, onFailed: 'reboot' });
  t.true(rebooting.effects.includes('reboot'));
});

test('on-failure leaves a clean exit down; never fails on a crash', (t) => {
  t.is(drive([[start, 0], [depsMet, 0], [clean, 5]], { ...policy, restart: 'on-failure' }).runtime.state, 'exited');
  t.is(drive([[start, 0], [depsMet, 0], [crash, 5]], { ...policy, restart: 'never' }).runtime.state, 'failed');
});

test('health: failures below the threshold are tolerated, at the threshold the service restarts', (t) => {
  const p = { ...policy, hasHealthCheck: true, healthRetries: 2 };
  const bad = { kind: 'healthResult', ok: false, detail: 'connection refused' } as const;
  const { states, effects, runtime } = drive([[start, 0], [depsMet, 0], [{ kind: 'healthResult', ok: true }, 10], [bad, 20], [{ kind: 'healthResult', ok: true }, 30], [bad, 40], [bad, 50], [crash, 60]], p);
  t.deepEqual(states, ['waiting', 'running', 'running', 'running', 'running', 'running', 'stopping', 'backoff']);
  t.true(effects.includes('log unhealthy after 2 failed checks: connection refused; restarting'));
  t.is(runtime.health, 'unknown');
});

test('health failures during the start period do not count', (t) => {
  const p = { ...policy, hasHealthCheck: true, healthRetries: 1, healthStartPeriodMs: 1000 };
  const bad = { kind: 'healthResult', ok: false } as const;
  t.is(drive([[start, 0], [depsMet, 0], [bad, 500]], p).runtime.state, 'running');
  t.is(drive([[start, 0], [depsMet, 0], [bad, 1500]], p).runtime.state, 'stopping');
});

test('stop sends the stop signal, kills on timeout, and reports when down', (t) => {
  const { states, effects } = drive([[start, 0], [depsMet, 0], [{ kind: 'stop' }, 10], [timer, 5010], [{ kind: 'exited', status: { exited: false, signal: 9 } }, 5011]]);
  t.deepEqual(states, ['waiting', 'running', 'stopping', 'stopping', 'stopped']);
  t.deepEqual(effects.slice(2), ['probe none', 'signal stop', 'timer 5000', 'log did not stop within 5000 ms: killing it', 'signal kill', 'cancelTimer', 'cleanup', 'changed', 'log stopped (signal 9)', 'stopped']);
});

test('a lost dependency stops the service, which waits for it to come back', (t) => {
  const { states } = drive([[start, 0], [depsMet, 0], [{ kind: 'depsLost', dependency: 'db' }, 10], [clean, 20], [depsMet, 30]]);
  t.deepEqual(states, ['waiting', 'running', 'stopping', 'waiting', 'running']);
});

test('restart on request stops and starts again without counting a failure', (t) => {
  const { states, runtime } = drive([[start, 0], [depsMet, 0], [{ kind: 'restart' }, 10], [clean, 20]]);
  t.deepEqual(states, ['waiting', 'running', 'stopping', 'waiting']);
  t.is(runtime.failures, 0);
  t.is(runtime.restarts, 1);
});

test('a oneshot is starting while it runs and exited once it succeeded', (t) => {
  const p: ServicePolicy = { ...policy, type: 'oneshot', restart: 'on-failure' };
  const { states } = drive([[start, 0], [depsMet, 0], [clean, 100]], p);
  t.deepEqual(states, ['waiting', 'starting', 'exited']);
  t.deepEqual(drive([[start, 0], [depsMet, 0], [crash, 100]], p).states.at(-1), 'backoff');
});

test('stop during backoff cancels the restart', (t) => {
  const { states, effects } = drive([[start, 0], [depsMet, 0], [crash, 1], [{ kind: 'stop' }, 2]]);
  t.is(states.at(-1), 'stopped');
  t.deepEqual(effects.slice(-3), ['cancelTimer', 'stopped', 'changed']);
});
