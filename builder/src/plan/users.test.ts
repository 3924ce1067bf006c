import test from 'ava';
import { Tree, bytes } from '../tree/tree.ts';
import { UserDatabase } from './users.ts';

function database(): UserDatabase {
  const tree = new Tree();
  tree.add({ path: '/etc/passwd', kind: 'file', mode: 0o644, data: bytes('root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n') });
  tree.add({ path: '/etc/group', kind: 'file', mode: 0o644, data: bytes('root:x:0:\napp:x:1000:\naudio:x:29:app\nvideo:x:44:app,root\n') });
  return new UserDatabase(tree);
}

test('names resolve to ids with supplementary groups', (t) => {
  t.deepEqual(database().resolve('app'), { uid: 1000, gid: 1000, groups: [29, 44], home: '/home/app' });
  t.deepEqual(database().resolve('app:audio'), { uid: 1000, gid: 29, groups: [44], home: '/home/app' });
});

test('numeric ids need no entry', (t) => {
  t.deepEqual(database().resolve('4242:4343'), { uid: 4242, gid: 4343, groups: [], home: '/' });
});

test('root is the default', (t) => {
  t.deepEqual(database().resolve(undefined), { uid: 0, gid: 0, groups: [], home: '/root' });
});

test('unknown names are errors that say where they were looked for', (t) => {
  t.throws(() => database().resolve('bob'), { message: /unknown user "bob": not in the image's \/etc\/passwd/ });
  t.throws(() => database().resolve('app:wheel'), { message: /unknown group "wheel"/ });
});
