/**
 * tmpfiles.d and the postinst table carried out on a planned tree: /var and
 * /etc in the tree, /run and /tmp as runtime entries for the init, owners
 * resolved through the image's own accounts.
 */
import test from 'ava';
import { bytes, Tree } from '../tree/tree.ts';
import { applyTmpfiles } from './apply-tmpfiles.ts';
import { UserDatabase } from './users.ts';

function image(files: Record<string, string>): Tree {
  const tree = new Tree();
  tree.add({ path: '/etc/passwd', kind: 'file', mode: 0o644, data: bytes('root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\npostgres:x:105:111::/var/lib/postgresql:/bin/sh\n') });
  tree.add({ path: '/etc/group', kind: 'file', mode: 0o644, data: bytes('root:x:0:\nadm:x:4:\nwww-data:x:33:\npostgres:x:111:\n') });
  for (const [path, text] of Object.entries(files)) tree.add({ path, kind: 'file', mode: 0o644, data: bytes(text) });
  return tree;
}

test('nginx-common: the default site is enabled and its log files and default page exist, as its postinst makes them', (t) => {
  const tree = image({ '/etc/nginx/sites-available/default': 'server {}\n', '/usr/share/nginx/html/index.html': '<h1>Welcome to nginx!</h1>\n' });
  const { runtimeEntries } = applyTmpfiles(tree, new UserDatabase(tree));
  t.like(tree.get('/etc/nginx/sites-enabled/default'), { kind: 'symlink', target: '/etc/nginx/sites-available/default' });
  t.like(tree.get('/var/log/nginx'), { kind: 'dir', mode: 0o755, uid: 0, gid: 4 });
  t.like(tree.get('/var/log/nginx/error.log'), { kind: 'file', mode: 0o640, uid: 33, gid: 4 });
  t.like(tree.get('/var/www/html/index.nginx-debian.html'), { kind: 'file', mode: 0o644, data: bytes('<h1>Welcome to nginx!</h1>\n') });
  t.deepEqual(runtimeEntries, []);
});

test("a spec's own enabled site is kept: the table's link is made only where nothing is", (t) => {
  const tree = image({ '/etc/nginx/sites-available/default': 'server {}\n', '/etc/nginx/sites-enabled/default': 'server { listen 8080; }\n' });
  applyTmpfiles(tree, new UserDatabase(tree));
  t.like(tree.get('/etc/nginx/sites-enabled/default'), { kind: 'file', data: bytes('server { listen 8080; }\n') });
});

test("openssh-server: Debian's sshd_config is copied into /etc/ssh, as its postinst does with ucf", (t) => {
  const tree = image({ '/usr/sbin/sshd': '', '/usr/share/openssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n' });
  applyTmpfiles(tree, new UserDatabase(tree));
  t.like(tree.get('/etc/ssh/sshd_config'), { kind: 'file', data: bytes('Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n') });
});

test('openssh-server: /run/sshd is a runtime entry the init creates, not a folder in the image', (t) => {
  const tree = image({ '/usr/sbin/sshd': '' });
  const { runtimeEntries, notes } = applyTmpfiles(tree, new UserDatabase(tree));
  t.deepEqual(runtimeEntries, [{ path: '/run/sshd', kind: 'directory', mode: 0o755, uid: 0, gid: 0 }]);
  t.false(tree.has('/run/sshd'));
  t.deepEqual(notes, []);
});

test("a package's tmpfiles.d: /var in the tree with its owner, /run for the init, /var/run mapped to /run, left-out lines noted", (t) => {
  const conf = 'd /run/postgresql 2775 postgres postgres - -\nd /var/log/postgresql 1775 root postgres - -\nd /var/run/pg-extra 0700 postgres - -\nx /tmp/pg-*\n';
  const tree = image({ '/usr/lib/tmpfiles.d/postgresql-common.conf': conf });
  const { runtimeEntries, notes } = applyTmpfiles(tree, new UserDatabase(tree));
  t.like(tree.get('/var/log/postgresql'), { kind: 'dir', mode: 0o1775, uid: 0, gid: 111 });
  t.deepEqual(runtimeEntries, [
    { path: '/run/postgresql', kind: 'directory', mode: 0o2775, uid: 105, gid: 111 },
    { path: '/run/pg-extra', kind: 'directory', mode: 0o700, uid: 105, gid: 111 },
  ]);
  t.false(tree.has('/var/run/pg-extra'));
  t.deepEqual(notes, ['/usr/lib/tmpfiles.d/postgresql-common.conf:4: "x /tmp/pg-*" left out: type x is not carried out: it only excludes paths from cleaning, and nothing cleans in an image']);
});

test('/etc/tmpfiles.d replaces the package file of the same name', (t) => {
  const tree = image({ '/usr/lib/tmpfiles.d/app.conf': 'd /var/lib/app 0755 - -\n', '/etc/tmpfiles.d/app.conf': 'd /var/lib/app 0700 - -\n' });
  applyTmpfiles(tree, new UserDatabase(tree));
  t.like(tree.get('/var/lib/app'), { kind: 'dir', mode: 0o700 });
});

test('an owner the image does not know leaves the entry to root and says which user is missing', (t) => {
  const tree = image({ '/usr/sbin/mosquitto': '' });
  const { notes } = applyTmpfiles(tree, new UserDatabase(tree));
  t.like(tree.get('/var/lib/mosquitto'), { kind: 'dir', uid: 0, gid: 0 });
  t.regex(notes[0]!, /^imago's mosquitto row:1: \/var\/lib\/mosquitto is left to root: unknown user "mosquitto"/);
});

test('iptables: the nft commands are chosen through /etc/alternatives, as update-alternatives would', (t) => {
  const tree = image({ '/usr/sbin/iptables-nft': '' });
  applyTmpfiles(tree, new UserDatabase(tree));
  t.like(tree.get('/usr/sbin/iptables'), { kind: 'symlink', target: '/etc/alternatives/iptables' });
  t.like(tree.get('/etc/alternatives/iptables'), { kind: 'symlink', target: '/usr/sbin/iptables-nft' });
  t.like(tree.get('/etc/alternatives/ip6tables-restore'), { kind: 'symlink', target: '/usr/sbin/ip6tables-nft-restore' });
});
