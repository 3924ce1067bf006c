import test from 'ava';
import { makeDataFs } from './data-fs.ts';

const options = { uuid: '8c5e3b4e-5b1a-4f1e-9d7e-2f8b7c6a5d4e', hashSeed: '0e4c9c5a-1f2b-4c3d-8e9f-a0b1c2d3e4f5', label: 'imago-data', epoch: 0 };

test('a data partition mke2fs refuses is reported with mke2fs\'s reason, not as a missing package', async (t) => {
  const error = await t.throwsAsync(makeDataFs({ ...options, sizeBytes: 0 }));
  t.regex(error?.message ?? '', /^failed to make the 0 MiB data partition: command failed \(exit \d+\): mke2fs /);
  t.notRegex(error?.message ?? '', /install the Debian package/);
});

test('the smallest data partition the spec allows is made', async (t) => {
  const image = await makeDataFs({ ...options, sizeBytes: 16 * 2 ** 20 });
  t.is(image.length, 16 * 2 ** 20);
});
