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

// The init runs this under QuickJS with a small stack: a long chain must not recurse.
const chain = (length: number, closed: boolean) =>
  Array.from({ length }, (_, index) => ({
    name: `s${index}`,
    dependsOn: index + 1 < length ? [`s${index + 1}`] : closed ? ['s0'] : [],
  }));

test('a 50,000-long dependency chain is ordered without overflowing the stack', (t) => {
  const result = startOrder(chain(50_000, false));
  t.true(result.ok);
  if (!result.ok) return;
  t.is(result.order.length, 50_000);
  t.is(result.order[0], 's49999');
  t.is(result.order[49_999], 's0');
});

test('a 50,000-long dependency cycle is reported without overflowing the stack', (t) => {
  const result = startOrder(chain(50_000, true));
  t.false(result.ok);
  if (result.ok) return;
  t.is(result.cycle.length, 50_001);
  t.is(result.cycle[0], 's0');
  t.is(result.cycle[1], 's1');
  t.is(result.cycle[49_999], 's49999');
  t.is(result.cycle[50_000], 's0');
});

test('a cycle reached through other nodes names only the cycle', (t) => {
  const result = startOrder([
    { name: 'web', dependsOn: ['db'] },
    { name: 'db', dependsOn: ['x', 'a'] },
    { name: 'x', dependsOn: [] },
    { name: 'a', dependsOn: ['b'] },
    { name: 'b', dependsOn: ['a'] },
  ]);
  t.deepEqual(result, { ok: false, cycle: ['a', 'b', 'a'] });
});

test('a self-dependency is a cycle; unknown and repeated dependencies are ignored', (t) => {
  t.deepEqual(startOrder([{ name: 'a', dependsOn: ['a'] }]), { ok: false, cycle: ['a', 'a'] });
  t.deepEqual(
    startOrder([
      { name: 'a', dependsOn: ['nope', 'b', 'b'] },
      { name: 'b', dependsOn: [] },
    ]),
    { ok: true, order: ['b', 'a'] },
  );
});

test('dependants of a node in a 50,000-long chain are found', (t) => {
  t.deepEqual(dependantsOf(chain(50_000, true), 's0'), ['s49999']);
});
