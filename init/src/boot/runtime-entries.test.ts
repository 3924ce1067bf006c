/** Runtime entries from init.json created in the fresh /run and /tmp, on FakeSys. */
import test from 'ava';
import { decodeUtf8 } from '../../../contract/index.ts';
import { FakeSys } from '../sys/fake.ts';
import { applyRuntimeEntries } from './runtime-entries.ts';

test("sshd's /run/sshd and a package's setgid runtime folder, file and link are created with their modes and owners", (t) => {
  const sys = new FakeSys();
  sys.files.mkdirs('/run');
  const warnings: string[] = [];
  applyRuntimeEntries(
    sys,
    [
      { path: '/run/sshd', kind: 'directory', mode: 0o755, uid: 0, gid: 0 },
      { path: '/run/postgresql', kind: 'directory', mode: 0o2775, uid: 105, gid: 111 },
      { path: '/run/app/ready', kind: 'file', mode: 0o640, uid: 33, gid: 4, contents: 'yes' },
      { path: '/run/shm', kind: 'symlink', mode: 0o777, uid: 0, gid: 0, target: '/dev/shm' },
    ],
    (message) => warnings.push(message),
  );
  t.deepEqual(warnings, []);
  t.deepEqual(sys.lstat('/run/sshd'), { kind: 'directory', mode: 0o755, uid: 0, gid: 0 });
  t.deepEqual(sys.lstat('/run/postgresql'), { kind: 'directory', mode: 0o2775, uid: 105, gid: 111 });
  t.deepEqual(sys.lstat('/run/app/ready'), { kind: 'file', mode: 0o640, uid: 33, gid: 4 });
  t.is(decodeUtf8(sys.files.get('/run/app/ready')!), 'yes');
  t.is(sys.readlink('/run/shm'), '/dev/shm');
});

test('an entry that cannot be made is reported by path and the next one is still made', (t) => {
  const sys = new FakeSys();
  sys.files.failAt = 1;
  const warnings: string[] = [];
  applyRuntimeEntries(
    sys,
    [
      { path: '/run/first', kind: 'directory', mode: 0o755, uid: 0, gid: 0 },
      { path: '/run/sshd', kind: 'directory', mode: 0o755, uid: 0, gid: 0 },
    ],
    (message) => warnings.push(message),
  );
  t.deepEqual(warnings, ['unable to create /run/first: Input/output error']);
  t.truthy(sys.lstat('/run/sshd'));
});
