/**
 * Our U-Boot patches: which files they change, and that applying them to a
 * copy leaves the cached source as it was (the copy is hard links).
 */
import test from 'ava';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ubootBoard } from './boards.ts';
import { patchedFiles, patchedSource, readUbootPatches } from './patched-source.ts';

const patch = {
  file: 'builder/src/uboot/patches/test.patch',
  text: 'why it is needed\n--- a/drivers/block/ide.c\n+++ b/drivers/block/ide.c\n@@ -1,2 +1,2 @@\n a\n-size = blksz * lba;\n+size = lba;\n',
};

test('patchedFiles lists the files a -p1 unified diff changes', (t) => {
  t.deepEqual(patchedFiles(patch), ['drivers/block/ide.c']);
});

test('patchedFiles refuses a patch with no +++ b/ line, naming it', (t) => {
  t.throws(() => patchedFiles({ file: 'x.patch', text: 'nothing here\n' }), { message: /^x\.patch: no "\+\+\+ b\/<path>" line/ });
  t.throws(() => patchedFiles({ file: 'y.patch', text: '--- ide.c\n+++ ide.c\n' }), { message: /^y\.patch: "\+\+\+ ide\.c": expected "\+\+\+ b\/<path>"/ });
});

test('patchedSource patches a copy and leaves the source it links to unchanged', async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'imago-uboot-patch-'));
  try {
    const source = join(work, 'source');
    await mkdir(join(source, 'drivers', 'block'), { recursive: true });
    await writeFile(join(source, 'drivers', 'block', 'ide.c'), 'a\nsize = blksz * lba;\n');
    await writeFile(join(source, 'Makefile'), 'all:\n');
    const copy = await patchedSource(source, [patch], join(work, 'copy'));
    t.is(await readFile(join(copy, 'drivers', 'block', 'ide.c'), 'utf8'), 'a\nsize = lba;\n');
    t.is(await readFile(join(source, 'drivers', 'block', 'ide.c'), 'utf8'), 'a\nsize = blksz * lba;\n');
    t.is(await readFile(join(copy, 'Makefile'), 'utf8'), 'all:\n');
    t.is(await patchedSource(source, [], join(work, 'unused')), source, 'no patches: the source itself');
    await t.throwsAsync(patchedSource(join(work, 'copy'), [patch], join(work, 'again')), { message: /U-Boot patch builder\/src\/uboot\/patches\/test\.patch does not apply/ });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('the Malta boards\' IDE patch is readable and changes drivers/block/ide.c only', async (t) => {
  const [ide] = await readUbootPatches(['ide-size-in-blocks'], 'mips');
  t.deepEqual(patchedFiles(ide!), ['drivers/block/ide.c']);
});

test('the 64-bit Malta boards also get the legacy-image address sign-extension patch, which changes boot/bootm.c only', async (t) => {
  t.deepEqual(ubootBoard('mips64').patches, ['ide-size-in-blocks', 'mips64-legacy-image-addresses', 'malta64-yamon-argv']);
  t.deepEqual(ubootBoard('mips64el').patches, ['ide-size-in-blocks', 'mips64-legacy-image-addresses', 'malta64-yamon-argv']);
  t.deepEqual(ubootBoard('mipsel').patches, ['ide-size-in-blocks']);
  t.deepEqual(ubootBoard('mips').patches, ['ide-size-in-blocks']);
  const [entry] = await readUbootPatches(['mips64-legacy-image-addresses'], 'mips64');
  t.deepEqual(patchedFiles(entry!), ['boot/bootm.c']);
});

test('the 64-bit Malta boards\' argv patch changes arch/mips/lib/bootm.c only, and only for 64-bit Malta builds', async (t) => {
  const [argv] = await readUbootPatches(['malta64-yamon-argv'], 'mips64el');
  t.deepEqual(patchedFiles(argv!), ['arch/mips/lib/bootm.c']);
  t.regex(argv!.text, /^\+#if defined\(CONFIG_64BIT\) && defined\(CONFIG_TARGET_MALTA\)$/m);
});
