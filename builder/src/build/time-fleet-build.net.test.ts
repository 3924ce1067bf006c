/**
 * Whole x86_64 builds of specs with `time:` and `fleet:` (real downloads and
 * compilers, cached after the first run): the image tree holds the ntpd
 * build, its scripts, the agent and its files, init.json runs the services,
 * and the manifest records the ntpd and agent binaries.
 */
import test from 'ava';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { clockSetFile, type InitConfig } from '../../../contract/index.ts';
import { readCpio } from '../archive/cpio-read.ts';
import { run } from '../io/exec.ts';
import { build } from './build.ts';
import { buildOptions } from './options.ts';

/** Builds `yaml` (after version and name) with `files` beside it; returns the initramfs records and the manifest. */
async function buildSpec(yaml: string, files: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'imago-time-fleet-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'spec.yml'), `version: 1\nname: clocked\n${yaml}`);
  await build(join(dir, 'spec.yml'), buildOptions({ outDir: join(dir, 'out'), arch: ['x86_64'] }));
  const records = readCpio(gunzipSync(await readFile(join(dir, 'out', 'x86_64', 'initrd.img'))));
  const manifest = JSON.parse(await readFile(join(dir, 'out', 'x86_64', 'manifest.json'), 'utf8'));
  const file = (name: string) => records.find((record) => record.name === name);
  return { dir, records, manifest, file, config: JSON.parse(new TextDecoder().decode(file('etc/imago/init.json')!.data)) as InitConfig };
}

test('time: the image has a static ntpd, its two scripts and the service time, ready on the clock-set mark', async (t) => {
  const { dir, file, config, manifest } = await buildSpec('time:\n  servers: ["10.0.2.2:1123"]\n');
  const ntpd = file('usr/libexec/imago/ntpd');
  t.truthy(ntpd, 'ntpd is in the image');
  t.is(ntpd!.mode & 0o777, 0o755);
  await writeFile(join(dir, 'ntpd'), ntpd!.data);
  const { stdout } = await run('file', ['-b', join(dir, 'ntpd')]);
  t.regex(stdout.toString(), /ELF 64-bit LSB executable, x86-64.*statically linked/);
  for (const script of ['usr/share/imago/time-service', 'usr/share/imago/time-sync.script']) t.is(file(script)?.mode! & 0o777, 0o755, script);
  const time = config.services.find((service) => service.name === 'time');
  t.deepEqual(time?.command, ['/bin/sh', '/usr/share/imago/time-service', '10.0.2.2:1123']);
  t.like(time?.ready, { kind: 'file', file: clockSetFile });
  t.is(manifest.timeDaemon.sourcePackage, 'busybox');
  t.regex(manifest.timeDaemon.sha256, /^[0-9a-f]{64}$/);
});
