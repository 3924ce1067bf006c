import test from 'ava';
import type { Spec } from '../spec/schema.ts';
import { containerdDataNeed, containerdDataProblems } from './data-room.ts';

const MiB = 2 ** 20;
const spec = (update?: Spec['update']): Spec => ({ version: 1, name: 'edge', ...(update ? { update } : {}) });

test('containerd needs each archive twice (content and snapshot) plus headroom', (t) => {
  t.is(containerdDataNeed([10 * MiB, 5 * MiB]), 62 * MiB);
});

test('a data partition too small for the images is a problem at update.data_size', (t) => {
  const [problem] = containerdDataProblems(spec({ keys: ['k.pub'], data_size: 64 * MiB }), [40 * MiB]);
  t.deepEqual(problem?.path, ['update', 'data_size']);
  t.is(problem?.message, 'expected a data partition of at least 112M (containerd keeps the 1 container image(s) there: their layers, then unpacked), got 64M');
});

test('the default size is named when data_size is not given', (t) => {
  const [problem] = containerdDataProblems(spec({ keys: ['k.pub'] }), [40 * MiB]);
  t.deepEqual(problem?.path, ['update']);
  t.regex(problem?.message ?? '', /got 64M \(the default data_size\)$/);
});

test('no update section, no containers, or room enough: no problem', (t) => {
  t.deepEqual(containerdDataProblems(spec(), [400 * MiB]), []);
  t.deepEqual(containerdDataProblems(spec({ keys: ['k.pub'] }), []), []);
  t.deepEqual(containerdDataProblems(spec({ keys: ['k.pub'], data_size: 256 * MiB }), [40 * MiB]), []);
});
