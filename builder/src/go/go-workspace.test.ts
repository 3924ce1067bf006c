import test from 'ava';
import { goHostEnv, hostDebianArch } from './go-workspace.ts';

test('the Go toolchain is Debian\'s for the build host\'s architecture, and an unknown host is named', (t) => {
  t.is(hostDebianArch('x64'), 'amd64');
  t.is(hostDebianArch('arm64'), 'arm64');
  t.throws(() => hostDebianArch('s390x'), { message: /no Debian Go toolchain for a build host of Node architecture s390x: expected one of x64\|arm64\|ia32\|arm/ });
});

test('go runs without the developer\'s Go settings, so only the arguments decide the output', (t) => {
  const saved = { GOROOT: process.env.GOROOT, GOFLAGS: process.env.GOFLAGS };
  process.env.GOROOT = '/elsewhere';
  process.env.GOFLAGS = '-mod=vendor';
  try {
    const env = goHostEnv();
    t.deepEqual(Object.keys(env).sort(), ['HOME', 'LC_ALL', 'PATH']);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
});
