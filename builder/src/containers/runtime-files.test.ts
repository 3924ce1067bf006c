import test from 'ava';
import { containerdConfig, importScript, runContainerScript } from './runtime-files.ts';

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

test('the run helper clears a container left behind, then execs ctr run --rm', (t) => {
  const script = runContainerScript();
  t.regex(script, /containers info "\$id"/);
  t.regex(script, /tasks delete -f "\$id"/);
  t.regex(script, /exec \$ctr run --rm "\$@"$/m);
});
