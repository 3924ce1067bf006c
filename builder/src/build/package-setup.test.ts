/**
 * Setup commands run for real in an x86_64 tree chrooted on this host: the
 * tree holds the host's own shell and tools with their libraries, so what runs
 * is the tree's programs, and what they change comes back into the tree.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { getTarget } from '../../../targets/index.ts';
import { bytes, Tree } from '../tree/tree.ts';
import { runPackageSetup, setupCommands } from './package-setup.ts';

/** Adds a host program and the shared libraries it loads, at the same paths. */
function addHostProgram(tree: Tree, path: string): void {
  const real = realpathSync(path);
  tree.add({ path, kind: 'file', mode: 0o755, data: readFileSync(real) });
  const libs = execFileSync('ldd', [real], { encoding: 'utf8' }).match(/\/\S+/g) ?? [];
  for (const lib of libs) tree.add({ path: lib, kind: 'file', mode: 0o755, data: readFileSync(realpathSync(lib)) });
}

function nginxTree(): Tree {
  const tree = new Tree();
  for (const program of ['/bin/sh', '/bin/ln', '/bin/mkdir', '/bin/rm', '/bin/chown', '/bin/chmod']) addHostProgram(tree, program);
  tree.add({ path: '/etc/passwd', kind: 'file', mode: 0o644, data: bytes('root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/sh\n') });
  tree.add({ path: '/etc/group', kind: 'file', mode: 0o644, data: bytes('root:x:0:\nwww-data:x:33:\n') });
  tree.add({ path: '/etc/nginx/sites-available/default', kind: 'file', mode: 0o644, data: bytes('server {}\n') });
  tree.add({ path: '/etc/nginx/sites-enabled/old', kind: 'file', mode: 0o644, data: bytes('old\n') });
  return tree;
}

test('setup commands run in the tree: their links, folders, owners and removals come back into it', async (t) => {
  if (process.getuid?.() !== 0) return t.fail('this test chroots: run it as root');
  const tree = nginxTree();
  const before = tree.get('/bin/sh');
  await runPackageSetup(
    tree,
    [
      'curl',
      {
        name: 'nginx',
        setup: [
          'ln -s /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default',
          'mkdir -p /var/cache/nginx && chown www-data:www-data /var/cache/nginx && chmod 0750 /var/cache/nginx',
          'rm /etc/nginx/sites-enabled/old',
          'test -e /etc/nginx/sites-available/default',
        ],
      },
    ],
    getTarget('x86_64'),
  );
  t.like(tree.get('/etc/nginx/sites-enabled/default'), { kind: 'symlink', target: '/etc/nginx/sites-available/default' });
  t.like(tree.get('/var/cache/nginx'), { kind: 'dir', mode: 0o750, uid: 33, gid: 33 });
  t.false(tree.has('/etc/nginx/sites-enabled/old'));
  t.is(tree.get('/bin/sh'), before, 'an unchanged entry is kept as it was');
  t.false(tree.has('/.imago-qemu'));
});

test('a failing setup command fails the build naming its place in the spec and the command', async (t) => {
  if (process.getuid?.() !== 0) return t.fail('this test chroots: run it as root');
  const tree = nginxTree();
  const error = await t.throwsAsync(runPackageSetup(tree, [{ name: 'nginx', setup: ['true', 'test -e /etc/nginx/missing'] }], getTarget('x86_64')));
  t.regex(error!.message, /^packages\[0\]\.setup\[1\]: the setup command of nginx failed: test -e \/etc\/nginx\/missing/);
});

test('plain package names have no setup commands', (t) => {
  t.deepEqual(setupCommands(['curl', { name: 'nginx' }]), []);
  t.deepEqual(setupCommands([{ name: 'nginx', setup: ['a'] }]), [{ name: 'nginx', command: 'a', at: 'packages[0].setup[0]' }]);
});

test('a builder that is not root runs the commands in a user namespace: changes come back, owners stay the tree\'s, and chown to another user fails', async (t) => {
  const tree = nginxTree();
  tree.add({ path: '/var/www', kind: 'dir', mode: 0o755, uid: 33, gid: 33 });
  await runPackageSetup(
    tree,
    [{ name: 'nginx', setup: ['ln -s /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default', 'mkdir -p /var/cache/nginx && chmod 0750 /var/cache/nginx', 'touch /var/www/index.html || echo x > /var/www/index.html'] }],
    getTarget('x86_64'),
    { rootless: true },
  );
  t.like(tree.get('/etc/nginx/sites-enabled/default'), { kind: 'symlink', target: '/etc/nginx/sites-available/default' });
  t.like(tree.get('/var/cache/nginx'), { kind: 'dir', mode: 0o750, uid: 0, gid: 0 }, 'a new entry is root\'s');
  t.like(tree.get('/var/www'), { kind: 'dir', uid: 33, gid: 33 }, 'an entry keeps the owner the tree gave it');
  t.like(tree.get('/var/www/index.html'), { kind: 'file', uid: 0 });
  const error = await t.throwsAsync(runPackageSetup(nginxTree(), [{ name: 'nginx', setup: ['mkdir /x && chown www-data /x'] }], getTarget('x86_64'), { rootless: true }));
  t.regex(error?.message ?? '', /^packages\[0\]\.setup\[0\]: the setup command of nginx failed: mkdir \/x && chown www-data \/x/);
});
