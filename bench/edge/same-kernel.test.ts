import test from 'ava';
import { type KernelFacts, sameKernel } from './same-kernel.ts';

const facts = (sha256: string, built?: true): KernelFacts => ({
  kernel: { package: 'linux-image-6.1.0-56-amd64', version: '6.1.192-2', release: '6.1.0-56-amd64', sha256: 'deb', ...(built ? { built } : {}) },
  outputs: { kernel: { sha256 } },
});

test('sameKernel: one kernel file in both images is named by package and version', (t) => {
  t.is(sameKernel('x86_64', facts('aaaa'), facts('aaaa')), 'linux-image-6.1.0-56-amd64 6.1.192-2');
});

test('sameKernel: a built kernel says so', (t) => {
  t.is(sameKernel('mipsel', facts('bbbb', true), facts('bbbb', true)), 'linux-image-6.1.0-56-amd64 6.1.192-2 (built)');
});

test('sameKernel: different kernel files are an error naming the architecture and both kernels', (t) => {
  t.throws(() => sameKernel('mipsel', facts('aaaa'), facts('bbbb', true)), { message: /^mipsel: minimal and edge boot different kernels \(linux-image-6\.1\.0-56-amd64 6\.1\.192-2, sha256 aaaa; linux-image-6\.1\.0-56-amd64 6\.1\.192-2 \(built\), sha256 bbbb\)/ });
});

test('sameKernel: a manifest without the kernel file is an error naming which image', (t) => {
  t.throws(() => sameKernel('x86_64', facts('aaaa'), { ...facts('aaaa'), outputs: {} }), { message: /x86_64: manifest\.json outputs\.kernel: .*missing in edge/ });
});
