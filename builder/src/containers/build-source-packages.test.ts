/**
 * images/edge.yml's two containers built for mips through the same path as
 * every built image (imageContainers): their packages compiled from Debian's
 * source (cached after the first run: mosquitto about a minute, BusyBox 2-4),
 * laid out at Debian's paths, given the mosquitto user, trimmed, and listed in
 * the manifest by source package, version and sha256. Skipped with
 * IMAGO_SKIP_NATIVE=1, like the other native tests.
 */
import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mips } from '../../../targets/mips.ts';
import { silentProgress } from '../progress.ts';
import { loadSpec } from '../spec/load.ts';
import type { Entry } from '../tree/tree.ts';
import { buildSourcePackages } from './build-source-packages.ts';
import { imageContainers } from './image-containers.ts';

const nativeTest = process.env.IMAGO_SKIP_NATIVE !== '1' ? test : test.skip;

const spec = `version: 1
name: edge
arch: [mips]
containers:
  - name: mosquitto
    packages: [mosquitto]
    files: [{ path: /etc/mosquitto/mosquitto.conf, contents: "listener 1883\\n" }]
    entrypoint: [/usr/sbin/mosquitto, -c, /etc/mosquitto/mosquitto.conf]
    user: mosquitto
  - name: mqtt-client
    packages: [mosquitto-clients, busybox-static]
    files: [{ path: /bin/sh, symlink: busybox }]
    entrypoint: [/bin/sh]
    user: nobody
services:
  - { name: broker, image: mosquitto, network: host }
  - { name: publisher, image: mqtt-client, network: host }
`;

function text(entries: readonly Entry[], path: string): string {
  const entry = entries.find((e) => e.path === path);
  return entry?.kind === 'file' ? new TextDecoder().decode(entry.data) : '';
}

nativeTest("images/edge.yml's containers build on mips from packages compiled from source, with Debian's paths, users and a manifest of sources", async (t) => {
  t.timeout(15 * 60_000);
  const dir = await mkdtemp(join(tmpdir(), 'imago-edge-mips-'));
  await writeFile(join(dir, 'edge.yml'), spec);
  const loaded = await loadSpec(join(dir, 'edge.yml'));
  t.deepEqual(loaded.problems, []);
  const containers = await imageContainers(loaded as typeof loaded & { spec: NonNullable<typeof loaded.spec> }, mips, 0, silentProgress);
  t.deepEqual(containers.stored, [], 'built images are prepared, never imported');
  const [broker, client] = containers.prepared;
  const paths = (entries: readonly Entry[]) => entries.filter((e) => e.kind === 'file').map((e) => e.path);
  t.deepEqual(paths(broker!.entries).filter((p) => !p.startsWith('etc/')), ['usr/sbin/mosquitto']);
  t.is(text(broker!.entries, 'etc/mosquitto/mosquitto.conf'), 'listener 1883\n', "the spec's file replaces Debian's configuration");
  t.regex(text(broker!.entries, 'etc/passwd'), /^mosquitto:x:\d+:\d+::\/var\/lib\/mosquitto:\/usr\/sbin\/nologin$/m, 'the package-users table gives the image the mosquitto user');
  t.regex(broker!.run.User ?? '', /^[1-9]\d*:[1-9]\d*$/);
  for (const program of ['usr/bin/mosquitto_pub', 'usr/bin/mosquitto_sub', 'usr/bin/mosquitto_rr', 'bin/busybox']) t.true(paths(client!.entries).includes(program), program);

  const [brokerManifest, clientManifest] = containers.manifest;
  t.is(brokerManifest!.source, 'debian-source');
  const bytes = brokerManifest!.rootfs!.bytes;
  t.log(`mosquitto image on mips: ${bytes} bytes unpacked (${brokerManifest!.rootfs!.entries} entries); mqtt-client ${clientManifest!.rootfs!.bytes} bytes`);
  // Static with OpenSSL (TLS) it is 3.7 MB on mips; Debian's trimmed broker is 15 MB on x86_64.
  t.true(bytes < 8_000_000, `the static broker image stays small: ${bytes} bytes`);
  t.deepEqual(
    clientManifest!.packages!.map((p) => ({ ...p, sha256: /^[0-9a-f]{64}$/.test(p.sha256) })),
    [
      { name: 'mosquitto-clients', sourcePackage: 'mosquitto', version: '2.0.11-1.2+deb12u2', architecture: 'mips', sha256: true, without: ['cjson'] },
      { name: 'busybox-static', sourcePackage: 'busybox', version: '1.35.0-4+deb12u1', architecture: 'mips', sha256: true, without: [] },
    ],
  );
});

nativeTest('a package outside the table is refused naming the ones imago builds from source', async (t) => {
  await t.throwsAsync(buildSourcePackages(['nginx'], mips, silentProgress), { message: 'package "nginx" cannot be built from source for mips, expected one of busybox-static|mosquitto|mosquitto-clients' });
});
