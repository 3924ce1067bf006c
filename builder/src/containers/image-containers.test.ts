import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targets } from '../../../targets/index.ts';
import { SpecError } from '../errors.ts';
import { silentProgress } from '../progress.ts';
import { loadSpec } from '../spec/load.ts';
import { imageContainers } from './image-containers.ts';

/** A `docker save` tarball of one arm64 image, written by GNU tar as a user's would be. */
async function arm64Archive(dir: string): Promise<void> {
  const content = join(dir, 'content');
  await mkdir(join(content, 'l1'), { recursive: true });
  await writeFile(join(content, 'manifest.json'), JSON.stringify([{ Config: 'c.json', RepoTags: ['app:1'], Layers: ['l1/layer.tar'] }]));
  await writeFile(join(content, 'c.json'), JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  await writeFile(join(content, 'l1', 'layer.tar'), Buffer.alloc(1024));
  execFileSync('tar', ['-cf', join(dir, 'app.tar'), '-C', content, 'manifest.json', 'c.json', 'l1/layer.tar']);
}

test('a container archive for another platform is a spec error at its archive field, not a failed build step', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-archive-'));
  await arm64Archive(dir);
  const spec = join(dir, 'spec.yml');
  await writeFile(spec, 'version: 1\nname: gw\narch: [x86_64]\ncontainers:\n  - name: app\n    archive: app.tar\n');
  const loaded = await loadSpec(spec);
  t.deepEqual(loaded.problems, []);
  const error = await t.throwsAsync(imageContainers(loaded as typeof loaded & { spec: NonNullable<typeof loaded.spec> }, targets.x86_64!, 0, silentProgress), { instanceOf: SpecError });
  t.regex(error?.message ?? '', new RegExp(`^${spec}:6:14: containers\\[0\\]\\.archive: app\\.tar: has linux/arm64, but x86_64 needs linux/amd64`));
});
