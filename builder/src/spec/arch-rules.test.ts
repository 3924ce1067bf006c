import test from 'ava';
import { mips } from '../../../targets/mips.ts';
import { mips64el } from '../../../targets/mips64el.ts';
import { mipsel } from '../../../targets/mipsel.ts';
import { x86_64 } from '../../../targets/x86_64.ts';
import { archProblems, buildsKernel } from './arch-rules.ts';
import type { Spec } from './schema.ts';

const spec = (extra: Partial<Spec>): Spec => ({ version: 1, name: 'x', ...extra }) as Spec;

test('packages are fine where Debian has the architecture', (t) => {
  t.deepEqual(archProblems(spec({ packages: ['strace'] }), [x86_64, mips64el]), []);
});

test('every package is named for mips, which has no Debian packages', (t) => {
  const problems = archProblems(spec({ packages: ['strace', 'curl'] }), [x86_64, mips]);
  t.deepEqual(problems.map((p) => p.path), [['packages', 0], ['packages', 1]]);
  t.regex(problems[1]!.message, /^package "curl" is not available for mips: /);
});

test('kernel.package cannot apply to mips, and build excludes package', (t) => {
  const problems = archProblems(spec({ kernel: { package: 'linux-image-amd64', build: true } }), [mips]);
  t.deepEqual(problems.map((p) => p.path.join('.')), ['kernel.package', 'kernel.build']);
});

test('built kernels: always on mips, on request elsewhere', (t) => {
  t.true(buildsKernel(spec({}), mips));
  t.false(buildsKernel(spec({}), x86_64));
  t.true(buildsKernel(spec({ kernel: { build: { config: ['extra.config'] } } }), x86_64));
});

test('more QEMU memory than Debian\'s mipsel kernel can use asks for a built kernel', (t) => {
  const [problem] = archProblems(spec({ qemu: { memory: 2 ** 30 } }), [mipsel]);
  t.deepEqual(problem?.path, ['qemu', 'memory']);
  t.regex(problem?.message ?? '', /^Debian's mipsel kernel \(linux-image-4kc-malta\) uses at most 256 MiB on QEMU's malta board, so 1024 MiB would not be there: build the kernel/);
  t.deepEqual(archProblems(spec({ qemu: { memory: 2 ** 30 }, kernel: { build: true } }), [mipsel]), []);
  t.deepEqual(archProblems(spec({ qemu: { memory: 2 ** 30 } }), [mips64el]), []);
});
