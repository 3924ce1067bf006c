import test from 'ava';
import { conditionMet } from './dependencies.ts';
import { initialRuntime, type ServiceRuntime } from './service.ts';

const runtime = (changes: Partial<ServiceRuntime>): ServiceRuntime => ({ ...initialRuntime, ...changes });

test('conditions', (t) => {
  const starting = runtime({ state: 'starting' });
  const running = runtime({ state: 'running', health: 'unknown' });
  const healthy = runtime({ state: 'running', health: 'healthy' });
  const done = runtime({ state: 'exited', lastExit: { exited: true, code: 0 } });
  const failedOneshot = runtime({ state: 'exited', lastExit: { exited: true, code: 1 } });
  const table: [string, ServiceRuntime, boolean, boolean, boolean][] = [
    ['starting', starting, true, false, false],
    ['running', running, true, true, false],
    ['healthy', healthy, true, true, true],
    ['oneshot done', done, true, true, false],
    ['oneshot failed', failedOneshot, false, false, false],
    ['backoff', runtime({ state: 'backoff' }), false, false, false],
  ];
  for (const [name, dep, started, ready, isHealthy] of table) {
    t.is(conditionMet('started', dep), started, `${name}: started`);
    t.is(conditionMet('ready', dep), ready, `${name}: ready`);
    t.is(conditionMet('healthy', dep), isHealthy, `${name}: healthy`);
  }
});
