import { readFileSync } from 'node:fs';
import test from 'ava';
import { elfNeeds, isElf } from './elf-needs.ts';
import { makeElf } from './testdata/make-elf.ts';


const layouts = [
  { name: '64-bit little-endian (x86_64, aarch64, mips64el)', wide: true, little: true },
  { name: '64-bit big-endian (mips64)', wide: true, little: false },
  { name: '32-bit little-endian (i386, armv7, mipsel)', wide: false, little: true },
  { name: '32-bit big-endian (mips)', wide: false, little: false },
];

for (const layout of layouts) {
  test(`reads the interpreter, needed libraries and runpath of a ${layout.name} file`, (t) => {
    const elf = makeElf({ ...layout, interpreter: '/lib/ld.so.1', needed: ['libssl.so.3', 'libc.so.6'], runpath: '$ORIGIN/../lib' });
    t.deepEqual(elfNeeds(elf), { interpreter: '/lib/ld.so.1', needed: ['libssl.so.3', 'libc.so.6'], runpath: ['$ORIGIN/../lib'] });
  });
}

test('a file that is not ELF has no needs; a script is not ELF', (t) => {
  t.is(elfNeeds(Buffer.from('#!/bin/sh\necho hello, this is long enough to be checked as a header\n')), undefined);
  t.false(isElf(Buffer.from('\x7fEL')));
});

test('a program header past the end of the file is an error, not a guess', (t) => {
  const elf = makeElf({ wide: true, little: true, needed: ['libc.so.6'] });
  t.throws(() => elfNeeds(elf.subarray(0, 100)), { message: /program header \d lies past the end of the file/ });
});

test('reads the running Node binary as the loader would (a real ELF file of this host)', (t) => {
  const needs = elfNeeds(readFileSync(process.execPath));
  t.truthy(needs, `${process.execPath} is ELF`);
  t.true(needs!.needed.includes('libc.so.6'), `needed: ${needs!.needed.join(' ')}`);
  t.regex(needs!.interpreter ?? '', /^\/lib.*\/ld-linux/);
});
