import test from 'ava';
import { dependantsOf, startOrder } from './start-order.ts';

test('dependencies start first, declaration order otherwise', (t) => {
  const result = startOrder([
    { name: 'app', dependsOn: ['db', 'cache'] },
    { name: 'web', dependsOn: [] },
    { name: 'db', dependsOn: [] },
    { name: 'cache', dependsOn: ['db'] },
  ]);
  t.deepEqual(result, { ok: true, order: ['db', 'cache', 'app', 'web'] });
});

test('a cycle is reported with its path', (t) => {
  const result = startOrder([
    { name: 'a', dependsOn: ['b'] },
    { name: 'b', dependsOn: ['c'] },
    { name: 'c', dependsOn: ['a'] },
  ]);
  t.deepEqual(result, { ok: false, cycle: ['a', 'b', 'c', 'a'] });
});

test('dependants are found', (t) => {
  const nodes = [
    { name: 'a', dependsOn: [] },
    { name: 'b', dependsOn: ['a'] },
    { name: 'c', dependsOn: ['a', 'b'] },
  ];
  t.deepEqual(dependantsOf(nodes, 'a'), ['b', 'c']);
});
