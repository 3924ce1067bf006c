import test from 'ava';
import { containerdConfig, importScript, runContainerScript, startContainerdScript } from './runtime-files.ts';

test('containerd keeps its root on /var and its socket on /run, without the CRI plugin', (t) => {
  const config = containerdConfig();
  t.regex(config, /^root = "\/var\/lib\/containerd"$/m);
  t.regex(config, /^state = "\/run\/containerd"$/m);
  t.regex(config, /address = "\/run\/containerd\/containerd.sock"/);
  t.regex(config, /"io\.containerd\.grpc\.v1\.cri"/);
});

test('the import script skips an image already there with the same digest', (t) => {
  const script = importScript([{ ref: 'imago/a:latest', manifestDigest: 'sha256:aa', path: '/usr/share/imago/containers/a.tar' }]);
  t.regex(script, /^import imago\/a:latest sha256:aa \/usr\/share\/imago\/containers\/a\.tar$/m);
  t.regex(script, /grep -q "\^\$1 \.\*\$2"/);
  t.regex(script, /^set -e$/m, 'a failed import fails the task, which is then retried');
});

test('the run helper clears a container left behind, then runs ctr run --rm in its own session', (t) => {
  const script = runContainerScript({ persistentRoot: false });
  t.regex(script, /containers info "\$id"/);
  t.regex(script, /tasks delete -f "\$id"/);
  t.regex(script, /^setsid \$ctr run --rm "\$@" &$/m);
  t.regex(runContainerScript({ persistentRoot: false, runcBinary: '/usr/bin/crun' }), /^setsid \$ctr run --rm --runc-binary \/usr\/bin\/crun "\$@" &$/m, 'a compiled runtime names crun');
  t.regex(script, /trap "\$ctr tasks kill --signal SIG\$sig \$id > \/dev\/null 2>&1" \$sig/, 'stop signals go to the task');
  t.regex(script, /kill -0 \$child 2> \/dev\/null \|\| break/, 'leaves the wait once ctr is gone');
  t.regex(script, /\nexit \$status\n$/, 'exits with ctr\'s status');
});

test('the run helper looks for a leftover container only after an earlier run in this boot, or always with containerd\'s root on the data partition', (t) => {
  const ram = runContainerScript({ persistentRoot: false });
  t.regex(ram, /^persistent=$/m);
  t.regex(ram, /^started=\$dir\.started$/m);
  t.regex(ram, /^if \[ -n "\$persistent" \] \|\| \[ -e "\$started" \]; then\n  if \$ctr containers info "\$id"/m);
  t.true(ram.indexOf(': > "$started"') > ram.indexOf('containers info'), 'the marker is made after the check, before ctr run');
  t.true(ram.indexOf(': > "$started"') < ram.indexOf('setsid'));
  t.regex(runContainerScript({ persistentRoot: true }), /^persistent=yes$/m);
});

test('the run helper puts a pids limit on the container\'s cgroup before ctr makes it', (t) => {
  const script = runContainerScript({ persistentRoot: false });
  t.regex(script, /^ns=\$1 id=\$2 pids=\$3 lower=\$4$/m);
  t.regex(script, /echo "\$pids" > "\$cgroup\/\$id\/pids\.max"\nfi\n/);
});

test('containerd\'s root goes on /data when the data partition is mounted, else stays in RAM', (t) => {
  const script = startContainerdScript();
  t.regex(script, /^root=\/var\/lib\/containerd$/m);
  t.regex(script, /^if grep -q "\^\[\^ \]\* \/data " \/proc\/mounts; then root=\/data\/containerd; fi$/m);
  t.regex(script, /^exec \/usr\/bin\/containerd --config \/etc\/containerd\/config\.toml --root "\$root"$/m);
});

test('the run helper mounts a prepared root read-only under a fresh RAM layer, and removes it when the container ends', (t) => {
  const script = runContainerScript({ persistentRoot: false });
  t.regex(script, /^dir=\/run\/imago-containers\/\$id$/m);
  t.regex(script, /mount -t overlay overlay -o "lowerdir=\$lower,upperdir=\$dir\/upper,workdir=\$dir\/work" "\$dir\/root" \|\| exit 1/);
  t.true(script.indexOf('  unmount_root\n  mkdir -p') > 0, 'a layer left by a killed run is removed before the new one');
  t.true(script.indexOf('unmount_root; fi\nexit $status') > script.indexOf('setsid'), 'the layer goes after ctr has removed the container');
  t.regex(script, /^if \[ "\$lower" != - \]; then$/m, 'an imported image (LOWER -) mounts nothing');
});
