import test from 'ava';
import { type KernelModule, resolveSoftdepAliases } from './debian-kernel.ts';

const module = (name: string, softdepPre: string[] = []): KernelModule => ({ name, path: `${name}.ko`, data: new Uint8Array(), depends: [], softdepPre });

test('a softdep naming an alias becomes the module with that alias, the generic one first', (t) => {
  const modules = new Map([['libcrc32c', module('libcrc32c', ['crc32c'])], ['crc32_arm_ce', module('crc32_arm_ce')], ['crc32c_generic', module('crc32c_generic')]]);
  resolveSoftdepAliases(modules, new Map([['crc32c', ['crc32_arm_ce', 'crc32c_generic']]]));
  t.deepEqual(modules.get('libcrc32c')!.softdepPre, ['crc32c_generic']);
});

test('without a generic provider the first by name is taken', (t) => {
  const modules = new Map([['a', module('a', ['x'])], ['x_b', module('x_b')], ['x_a', module('x_a')]]);
  resolveSoftdepAliases(modules, new Map([['x', ['x_b', 'x_a']]]));
  t.deepEqual(modules.get('a')!.softdepPre, ['x_a']);
});

test('a softdep naming a module, or nothing known, is kept', (t) => {
  const modules = new Map([['a', module('a', ['b', 'nowhere'])], ['b', module('b')]]);
  resolveSoftdepAliases(modules, new Map([['b', ['c']]]));
  t.deepEqual(modules.get('a')!.softdepPre, ['b', 'nowhere']);
});
