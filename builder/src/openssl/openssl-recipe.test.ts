import test from 'ava';
import { targets } from '../../../targets/index.ts';
import { mips } from '../../../targets/mips.ts';
import { x86_64 } from '../../../targets/x86_64.ts';
import { i386 } from '../../../targets/i386.ts';
import { opensslConfigureArgs, opensslConfigureTarget, opensslRecipeFingerprint } from './openssl-recipe.ts';

test('every architecture has an OpenSSL Configure target of its word size', (t) => {
  for (const target of Object.values(targets)) {
    const name = opensslConfigureTarget(target);
    t.is(/64/.test(name), target.elf.class === 64, `${target.name}: ${name}`);
  }
  t.is(opensslConfigureTarget(mips), 'linux-mips32');
  t.throws(() => opensslConfigureTarget({ name: 'sparc' }), { message: /no OpenSSL Configure target for "sparc": expected one of x86_64\|i386\|armv7/ });
});

test('OpenSSL is configured static, with the cross prefix, at Debian\'s paths, without modules, engines or the legacy provider', (t) => {
  const args = opensslConfigureArgs(mips);
  t.is(args[0], 'linux-mips32');
  t.true(args.includes('--cross-compile-prefix=mips-linux-gnu-'));
  t.true(args.includes('--openssldir=/usr/lib/ssl'));
  for (const off of ['no-shared', 'no-module', 'no-engine', 'no-legacy', 'no-tests']) t.true(args.includes(off), off);
  t.false(args.some((arg) => arg.startsWith('/') || arg.includes('=/tmp')), 'no build folder in what OpenSSL records');
  t.deepEqual(opensslConfigureArgs(i386).slice(-4), ['-ffunction-sections', '-fdata-sections', '-msse2', '-mfpmath=sse'], "sections for the linker to drop, and the target's own compiler flags");
});

test('the cache key differs between targets', (t) => {
  t.not(opensslRecipeFingerprint(mips), opensslRecipeFingerprint(x86_64));
});
