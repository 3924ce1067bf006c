/**
 * The boot mounts on FakeSys: /var starts as a copy of the image's /var (files,
 * folders, links, modes, owners) instead of an empty tmpfs.
 */
import test from 'ava';
import { decodeUtf8 } from '../../../contract/index.ts';
import { FakeSys } from '../sys/fake.ts';
import { applyMounts, bootMounts, seedStaging } from './mounts.ts';

function imageWithVar(): FakeSys {
  const sys = new FakeSys();
  sys.files.mkdirs('/var/lib/nginx');
  sys.files.setOwnership('/var/lib/nginx', 0o700, 33, 33);
  sys.files.mkdirs('/var/www/html');
  sys.files.put('/var/www/html/index.nginx-debian.html', '<h1>Welcome to nginx!</h1>');
  sys.files.setOwnership('/var/www/html/index.nginx-debian.html', 0o640, 0, 33);
  sys.files.symlink('/run/lock', '/var/lock');
  return sys;
}

test('/var at boot holds what the image has under /var, with modes, owners and links', (t) => {
  const sys = imageWithVar();
  const warnings: string[] = [];
  applyMounts(sys, bootMounts, (message) => warnings.push(message));
  t.deepEqual(warnings, []);
  t.true(sys.kernel.includes(`mount var ${seedStaging} tmpfs nosuid,nodev,relatime mode=0755`));
  t.true(sys.kernel.includes(`move mount ${seedStaging} /var`));
  t.false(sys.kernel.some((line) => line.startsWith('mount var /var ')), 'no empty tmpfs is mounted over /var');
  t.is(decodeUtf8(sys.files.get('/var/www/html/index.nginx-debian.html')!), '<h1>Welcome to nginx!</h1>');
  t.deepEqual(sys.lstat('/var/www/html/index.nginx-debian.html'), { kind: 'file', mode: 0o640, uid: 0, gid: 33 });
  t.deepEqual(sys.lstat('/var/lib/nginx'), { kind: 'directory', mode: 0o700, uid: 33, gid: 33 });
  t.is(sys.readlink('/var/lock'), '/run/lock');
  // The copy went to the fresh tmpfs: the journal shows writes under the staging folder, none under /var.
  t.true(sys.files.journal.includes(`create ${seedStaging}/www/html/index.nginx-debian.html`));
});

test('an image with an empty /var gets a plain tmpfs there', (t) => {
  const sys = new FakeSys();
  applyMounts(sys, bootMounts, () => {});
  t.true(sys.kernel.includes('mount var /var tmpfs nosuid,nodev,relatime mode=0755'));
  t.false(sys.kernel.some((line) => line.startsWith('move mount')));
});

test('a file that cannot be copied is reported and the rest of /var still arrives', (t) => {
  const withTwoFiles = () => {
    const sys = imageWithVar();
    sys.files.put('/var/lib/a', 'a');
    sys.files.put('/var/lib/b', 'b');
    return sys;
  };
  const rehearsal = withTwoFiles();
  applyMounts(rehearsal, bootMounts, () => {});
  const sys = withTwoFiles();
  sys.files.failAt = rehearsal.files.journal.indexOf(`create ${seedStaging}/lib/a`) + 1;
  const warnings: string[] = [];
  applyMounts(sys, bootMounts, (message) => warnings.push(message));
  t.deepEqual(warnings, [`unable to copy /var/lib/a to ${seedStaging}/lib/a: Input/output error`]);
  t.true(sys.kernel.includes(`move mount ${seedStaging} /var`));
  t.is(decodeUtf8(sys.files.get('/var/lib/b')!), 'b');
  t.is(decodeUtf8(sys.files.get('/var/www/html/index.nginx-debian.html')!), '<h1>Welcome to nginx!</h1>');
});
