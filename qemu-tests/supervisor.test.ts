/**
 * Boots the supervisor scenario on x86_64: probes, health-gated dependants,
 * cgroup limits and cgroup.kill, log rotation, kernel log capture, and imagoctl
 * (status, logs -f, stop) used from inside the guest.
 */
import test from 'ava';
import { buildScenario } from './build-scenario.ts';
import { TCG_TIMEOUTS, withImage } from './harness.ts';

test('x86_64: probes, dependencies, cgroups, logs and imagoctl in a real boot', async (t) => {
  const dir = await buildScenario('supervisor');
  await withImage(
    dir,
    async (vm) => {
      await vm.expect(/init: ready: \d+ services started/, TCG_TIMEOUTS.bootMs);
      await vm.expect('probe: PROBE done', TCG_TIMEOUTS.bootMs);
      const text = vm.console.transcript();
      const line = (prefix: string) => text.split('\n').find((l) => l.includes(prefix)) ?? '';

      t.regex(text, /init: web ready after \d+ ms/);
      t.regex(text, /init: web healthy/);
      t.regex(text, /init: broker healthy/);
      t.true(text.indexOf('init: broker healthy') < text.indexOf('init: started app'), 'app waits for a healthy broker');
      t.regex(line('probe: CGROUP'), /memory\.max=33554432 pids\.max=64 cpu\.max=50000 100000/);
      t.regex(line('probe: WEB'), /user=nobody page=hello from busybox httpd/);
      t.regex(text, /probe: SERVICE\s+STATE\s+HEALTH\s+PID\s+RESTARTS/, 'imagoctl status prints the table');
      t.regex(text, /probe: web\s+running\s+healthy\s+\d+/);
      const follow = Number(/FOLLOW lines=(\d+)/.exec(text)?.[1]);
      t.true(follow >= 10, `imagoctl logs -f followed ${follow} lines in 2 s`);
      t.regex(text, /init: broker exited \(signal 9\); restarting in 0 ms/);
      t.regex(text, /init: app stopping: dependency broker is down/);
      t.regex(line('probe: APP'), /starts=2/, 'the dependant recovered once the broker was healthy again');
      t.regex(line('probe: FORKER'), /child gone/, 'stopping a service kills its whole process tree');
      t.regex(line('probe: ROTATED'), /ROTATED 3 files, largest (\d{1,3}|1\d{3}|20[0-3]\d|204[0-8]) bytes/);
      t.regex(line('probe: KERNEL'), /KERNEL files=3 records=[1-9]\d+/, 'kernel messages are captured to /var/log/kernel.log');

      await vm.expect('init: powering off', TCG_TIMEOUTS.exitMs);
      t.is(await vm.waitExit(TCG_TIMEOUTS.exitMs), 0);
    },
    { test: t },
  );
});
