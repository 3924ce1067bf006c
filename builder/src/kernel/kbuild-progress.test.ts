import test from 'ava';
import type { Progress } from '../progress.ts';
import { kbuildProgress } from './kbuild-progress.ts';

test('kbuildProgress counts CC and AS objects, ignoring other lines', (t) => {
  const updates: [number, number, string | undefined][] = [];
  const progress: Progress = { step() {}, done() {}, detail() {}, update: (done, total, detail) => void updates.push([done, total, detail]) };
  const { onLine, count } = kbuildProgress(progress, 2);
  for (const line of ['  CC      mm/slab.o', '  LD      vmlinux', '  AS      arch/mips/kernel/head.o', '  AR      mm/built-in.a', '  CC      init/main.o']) onLine(line);
  t.is(count(), 3);
  t.deepEqual(updates.map((u) => [u[0], u[1]]), [[1, 2], [2, 3], [3, 4]]);
  t.is(updates[2]![2], '3 objects, init/main.o');
});
