/**
 * Image folders appear together or not at all: staged folders are invisible
 * until published, publishing replaces every old folder, and discarding
 * leaves the out folder as it was.
 */
import test from 'ava';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discardImageDirs, publishImageDirs, stageImageDir } from './write-outputs.ts';

async function outWithOldImage(): Promise<string> {
  const outDir = join(await mkdtemp(join(tmpdir(), 'imago-out-')), 'out');
  await mkdir(join(outDir, 'x86_64'), { recursive: true });
  await writeFile(join(outDir, 'x86_64', 'kernel'), 'old');
  return outDir;
}

test('staged folders are not visible as images until every one is published', async (t) => {
  const outDir = await outWithOldImage();
  const staged = [await stageImageDir(outDir, 'x86_64', { kernel: 'new' }), await stageImageDir(outDir, 'aarch64', { kernel: 'new arm' })];
  await writeFile(join(staged[0]!.dir, 'disk.img'), 'disk');
  t.is(await readFile(join(outDir, 'x86_64', 'kernel'), 'utf8'), 'old', 'the old image stays until publishing');
  t.deepEqual(await publishImageDirs(outDir, staged), [join(outDir, 'x86_64'), join(outDir, 'aarch64')]);
  t.deepEqual((await readdir(outDir)).sort(), ['aarch64', 'x86_64'], 'no temporary or old folders are left');
  t.deepEqual((await readdir(join(outDir, 'x86_64'))).sort(), ['disk.img', 'kernel'], 'the old folder is replaced, not merged');
  t.is(await readFile(join(outDir, 'aarch64', 'kernel'), 'utf8'), 'new arm');
});

test('discarding staged folders leaves the out folder as it was', async (t) => {
  const outDir = await outWithOldImage();
  const staged = [await stageImageDir(outDir, 'x86_64', { kernel: 'new', 'initrd.img': 'new' })];
  await discardImageDirs(staged);
  t.deepEqual(await readdir(outDir), ['x86_64']);
  t.deepEqual(await readdir(join(outDir, 'x86_64')), ['kernel']);
  t.is(await readFile(join(outDir, 'x86_64', 'kernel'), 'utf8'), 'old');
});
