import test from 'ava';
import { CommitWatch } from './commit-watch.ts';

test('commit needs every critical service healthy for the whole period', (t) => {
  const watch = new CommitWatch(['app'], 5000, 60_000);
  const healthy = [{ name: 'app', state: 'running', health: 'healthy' }];
  const sick = [{ name: 'app', state: 'running', health: 'unhealthy' }];
  t.is(watch.tick(1000, healthy).kind, 'wait');
  t.is(watch.tick(3000, sick).kind, 'wait');
  t.is(watch.tick(4000, healthy).kind, 'wait');
  t.is(watch.tick(8000, healthy).kind, 'wait');
  t.is(watch.tick(9000, healthy).kind, 'commit');
  const timeout = new CommitWatch(['app'], 5000, 60_000).tick(60_000, sick);
  t.deepEqual(timeout, { kind: 'fail', reason: 'critical services not healthy within 60 s of boot: app running/unhealthy' });
  t.regex((new CommitWatch(['app'], 5000, 60_000).tick(1, [{ name: 'app', state: 'failed', health: 'none', reason: 'restart limit' }]) as { reason: string }).reason, /app failed: restart limit/);
});
