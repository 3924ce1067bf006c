import test from 'ava';
import { initialRuntime, transition, type ServiceEvent, type ServicePolicy, type ServiceRuntime } from './service.ts';

const policy: ServicePolicy = { restart: 'always', stopTimeoutMs: 5000, backoff: { baseMs: 100, capMs: 400, stableMs: 1000 } };

/** Runs events through the table and returns the states visited and every effect. */
function drive(events: [ServiceEvent, number][], p = policy, start: ServiceRuntime = initialRuntime) {
  let runtime = start;
  const states: string[] = [];
  const effects: string[] = [];
  for (const [event, now] of events) {
    const result = transition(runtime, event, p, now);
    runtime = result.next;
    states.push(runtime.state);
    effects.push(...result.effects.map((e) => (e.kind === 'timer' ? `timer ${e.ms}` : e.kind === 'signal' ? `signal ${e.signal}` : e.kind)));
  }
  return { runtime, states, effects };
}

const crash = { kind: 'exited', status: { exited: true, code: 1 } } as const;

test('start waits for dependencies, then spawns', (t) => {
  const { states, effects } = drive([[{ kind: 'start' }, 0], [{ kind: 'depsReady' }, 0]]);
  t.deepEqual(states, ['waiting', 'running']);
  t.deepEqual(effects, ['spawn', 'started']);
});

test('a crash loop backs off exponentially up to the cap', (t) => {
  const events: [ServiceEvent, number][] = [[{ kind: 'start' }, 0]];
  for (let i = 0; i < 5; i++) events.push([{ kind: 'depsReady' }, i * 10], [crash, i * 10 + 1], [{ kind: 'timerFired' }, i * 10 + 2]);
  const { effects, runtime } = drive(events);
  t.deepEqual(effects.filter((e) => e.startsWith('timer')), ['timer 100', 'timer 200', 'timer 400', 'timer 400', 'timer 400']);
  t.is(runtime.restarts, 5);
});

test('a stable run resets the backoff', (t) => {
  const { effects } = drive([[{ kind: 'start' }, 0], [{ kind: 'depsReady' }, 0], [crash, 10], [{ kind: 'timerFired' }, 110], [{ kind: 'depsReady' }, 110], [crash, 5000]]);
  t.deepEqual(effects.filter((e) => e.startsWith('timer')), ['timer 100', 'timer 100']);
});

test('on-failure leaves a clean exit down', (t) => {
  const clean = { kind: 'exited', status: { exited: true, code: 0 } } as const;
  const { states } = drive([[{ kind: 'start' }, 0], [{ kind: 'depsReady' }, 0], [clean, 5]], { ...policy, restart: 'on-failure' });
  t.is(states.at(-1), 'exited');
});

test('stop sends TERM, escalates to KILL on timeout, and reports when down', (t) => {
  const { states, effects } = drive([
    [{ kind: 'start' }, 0],
    [{ kind: 'depsReady' }, 0],
    [{ kind: 'stop' }, 10],
    [{ kind: 'timerFired' }, 5010],
    [{ kind: 'exited', status: { exited: false, signal: 9 } }, 5011],
  ]);
  t.deepEqual(states, ['waiting', 'running', 'stopping', 'stopping', 'stopped']);
  t.deepEqual(effects, ['spawn', 'started', 'signal term', 'timer 5000', 'signal kill', 'cancelTimer', 'log', 'stopped']);
});

test('stop during backoff cancels the restart', (t) => {
  const { states, effects } = drive([[{ kind: 'start' }, 0], [{ kind: 'depsReady' }, 0], [crash, 1], [{ kind: 'stop' }, 2]]);
  t.is(states.at(-1), 'stopped');
  t.deepEqual(effects.slice(-2), ['cancelTimer', 'stopped']);
});
