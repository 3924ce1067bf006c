import test from 'ava';
import { type KernelModule, resolveSoftdepAliases } from './debian-kernel.ts';

const module = (name: string, softdepPre: string[] = []): KernelModule => ({ name, path: `${name}.ko`, data: new Uint8Array(), depends: [], softdepPre });

test('a softdep naming an alias becomes the module with that alias, the first by name', (t) => {
  const modules = new Map([['libcrc32c', module('libcrc32c', ['crc32c'])], ['crc32c_intel', module('crc32c_intel')], ['crc32c_generic', module('crc32c_generic')]]);
  resolveSoftdepAliases(modules, new Map([['crc32c', ['crc32c_intel', 'crc32c_generic']]]));
  t.deepEqual(modules.get('libcrc32c')!.softdepPre, ['crc32c_generic']);
});

test('a softdep naming a module, or nothing known, is kept', (t) => {
  const modules = new Map([['a', module('a', ['b', 'nowhere'])], ['b', module('b')]]);
  resolveSoftdepAliases(modules, new Map([['b', ['c']]]));
  t.deepEqual(modules.get('a')!.softdepPre, ['b', 'nowhere']);
});
