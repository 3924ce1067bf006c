import test from 'ava';
import { mips } from '../../../targets/mips.ts';
import { mips64el } from '../../../targets/mips64el.ts';
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
