/**
 * Hard links in a real container layer: the image of qemu-tests/container-hardlinks/
 * holds a container built from Debian's perl-base, where /usr/bin/perl and
 * /usr/bin/perl5.36.0 are one file. On the host, GNU tar extracts the stored
 * archive and its every layer; in the guest (x86_64, one boot), containerd
 * unpacks the layer and perl runs and sees both names as one inode.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import test from 'ava';
import { readCpio } from '../builder/src/archive/cpio-read.ts';
import { storedImagePath } from '../builder/src/containers/names.ts';
import { buildScenario } from './build-scenario.ts';
import { TCG_TIMEOUTS, withImage } from './harness.ts';

/** containerd's start, the import and runc under emulation. */
const RUN_MS = 600_000;

/** Extracts a tar file into `root` with GNU tar; throws with tar's complaint (e.g. a link before its target). */
function gnuTarExtract(archive: string, root: string): void {
  execFileSync('mkdir', ['-p', root]);
  execFileSync('tar', ['-xf', archive, '--no-same-owner', '-C', root], { stdio: 'pipe' });
}

test.serial('x86_64: a perl-base container with hard links unpacks with GNU tar and in containerd, and perl runs', async (t) => {
  const dir = await buildScenario('container-hardlinks', 'x86_64');
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  t.true(manifest.containers[0].packages.some((p: { name: string }) => p.name === 'perl-base'));

  const work = await mkdtemp(join(tmpdir(), 'imago-hardlinks-'));
  try {
    const records = readCpio(gunzipSync(await readFile(join(dir, 'initrd.img'))));
    const stored = records.find((record) => `/${record.name.replace(/^\/+/, '')}` === storedImagePath('perl'));
    if (!stored) throw new Error(`${storedImagePath('perl')} is not in the initrd`);
    await writeFile(join(work, 'perl.tar'), stored.data);
    gnuTarExtract(join(work, 'perl.tar'), join(work, 'oci'));
    const blob = (digest: string) => join(work, 'oci', 'blobs', 'sha256', digest.slice('sha256:'.length));
    const index = JSON.parse(await readFile(join(work, 'oci', 'index.json'), 'utf8'));
    const image = JSON.parse(await readFile(blob(index.manifests[0].digest), 'utf8'));
    for (const [i, layer] of image.layers.entries()) {
      const root = join(work, `layer-${i}`);
      t.notThrows(() => gnuTarExtract(blob(layer.digest), root), `GNU tar extracts layer ${i}`);
      const [perl, versioned] = await Promise.all([stat(join(root, 'usr/bin/perl')), stat(join(root, 'usr/bin/perl5.36.0'))]);
      t.is(perl.ino, versioned.ino, 'perl and perl5.36.0 are one file');
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  await withImage(
    dir,
    async (vm) => {
      await vm.expect(/containers-import: imported imago\/perl:latest/, RUN_MS);
      const line = await vm.expect(/PERL ok 5\.36\.\d+ nlink=2 same-inode=yes/, RUN_MS);
      t.log(`perl ran in its container ${(line.ms / 1000).toFixed(1)} s after QEMU started`);
    },
    { test: t, expectTimeoutMs: TCG_TIMEOUTS.expectMs },
  );
});
