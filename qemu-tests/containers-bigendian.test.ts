/**
 * Containers on big-endian MIPS, whose containerd, runc and shim are compiled
 * from Debian's sources (builder/src/containers/runtime-from-source.ts): for
 * each test architecture without Debian packages (mips in `make test`, mips64
 * with IMAGO_TEST_ARCH), an image runs a container whose OCI archive the test
 * makes from the BusyBox imago builds for that architecture: containerd
 * imports it at boot, runc starts `busybox httpd` on the device's network, the
 * init sees it healthy, and the host fetches the page through the forwarded
 * port. It covers the archive: path there; edge.test.ts covers images built
 * from packages, which imago compiles from source on these architectures.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import test from 'ava';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { buildBusybox } from '../builder/src/busybox/build-busybox.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { assembleImage, writeOciArchive } from '../builder/src/containers/oci-image.ts';
import { targetPlatform } from '../builder/src/containers/oci-platform.ts';
import { writeTar } from '../builder/src/containers/write-tar.ts';
import { silentProgress } from '../builder/src/progress.ts';
import { bytes, Tree } from '../builder/src/tree/tree.ts';
import { getTarget } from '../targets/index.ts';
import type { Target } from '../targets/types.ts';
import { freePort } from './free-port.ts';
import { withImage } from './harness.ts';
import { testArches } from './test-arches.ts';

/** containerd's start, the import and runc under full emulation of a 2-core host. */
const HEALTHY_MS = 900_000;
const page = 'served by busybox httpd in a container on big-endian MIPS\n';

/** An OCI archive of one layer: the target's static BusyBox, a page, and httpd as the entrypoint. */
async function busyboxWebArchive(target: Target): Promise<Uint8Array> {
  const busybox = await buildBusybox(target, { progress: silentProgress });
  const layer = new Tree();
  layer.add({ path: '/bin/busybox', kind: 'file', mode: 0o755, data: busybox.binary });
  layer.add({ path: '/bin/sh', kind: 'symlink', mode: 0o777, target: 'busybox' });
  layer.add({ path: '/www/index.html', kind: 'file', mode: 0o644, data: bytes(page) });
  const image = assembleImage(targetPlatform(target), { Entrypoint: ['/bin/busybox', 'httpd', '-f', '-p', '8080', '-h', '/www'] }, [await writeTar(layer.entries(), 0)], 0);
  return writeOciArchive(image, 'imago/web:latest', 0);
}

const spec = `version: 1
name: bigendian-containers
containers:
  - name: web
    archive: web.tar
services:
  - name: web
    image: web
    network: host
    health: { tcp: 8080 }
`;

function fetchPage(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/index.html', timeout: 30_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from 127.0.0.1:${port} within 30 s`)));
    request.on('error', reject);
  });
}

for (const arch of testArches().filter((name) => !getTarget(name).debianArch)) {
  test(`${arch}: a container runs with containerd and runc built from Debian source, and the host reaches it`, async (t) => {
    // A cold run compiles the kernel with the containers fragment and containerd first: longer than ava's inactivity timeout.
    t.timeout(90 * 60_000);
    const target = getTarget(arch);
    const specDir = join('out', 'qemu-tests', `bigendian-containers-${arch}-spec`);
    await mkdir(specDir, { recursive: true });
    await writeFile(join(specDir, 'web.tar'), await busyboxWebArchive(target));
    await writeFile(join(specDir, 'spec.yml'), spec);
    const [image] = await build(join(specDir, 'spec.yml'), buildOptions({ outDir: join('out', 'qemu-tests', `bigendian-containers-${arch}`), arch: [arch], progress: terminalProgress() }));
    const port = await freePort();
    await withImage(
      image!.dir,
      async (vm) => {
        const healthy = await vm.expect('init: web healthy', HEALTHY_MS);
        t.log(`${arch}: container healthy ${(healthy.ms / 1000).toFixed(1)} s after QEMU started`);
        t.is(await fetchPage(port), page);
      },
      { test: t, forwards: [{ host: port, guest: 8080 }] },
    );
  });
}
