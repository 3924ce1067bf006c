import test from 'ava';
import { limitFiles } from './cgroups.ts';

test('limits become cgroup v2 files', (t) => {
  t.deepEqual(limitFiles({ memoryBytes: 64 * 1024 * 1024, cpu: 0.5, pids: 32 }), [
    ['memory.max', '67108864'],
    ['cpu.max', '50000 100000'],
    ['pids.max', '32'],
  ]);
  t.deepEqual(limitFiles(undefined), []);
  t.deepEqual(limitFiles({ cpu: 2 }), [['cpu.max', '200000 100000']]);
});
