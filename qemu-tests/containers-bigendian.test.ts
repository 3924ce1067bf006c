/**
 * Containers on big-endian MIPS, whose containerd, shim and crun are compiled
 * from Debian's sources (builder/src/containers/runtime-from-source.ts): for
 * each test architecture without Debian packages (mips in `make test`, mips64
 * with IMAGO_TEST_ARCH), an image runs a container whose OCI archive the test
 * makes from the BusyBox imago builds for that architecture: containerd
 * imports it at boot, crun starts `busybox httpd` on the device's network, the
 * init sees it healthy, and the host fetches the page through the forwarded
 * port. A second container from the same archive runs on the private network,
 * whose bridge rules the iptables compiled from Debian's source sets
 * (builder/src/containers/iptables-from-source.ts): from inside it the test
 * reaches the device's httpd at the bridge address 10.88.0.1, and a web
 * server on the host through the NAT. It covers the archive: path there;
 * edge.test.ts covers images built from packages, which imago compiles from
 * source on these architectures.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { build } from '../builder/src/build/build.ts';
import type { Manifest } from '../builder/src/build/manifest.ts';
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

/** containerd's start, the import and crun under full emulation of a 2-core host. */
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
  - name: client
    image: web
    network: private
    command: [/bin/busybox, sleep, '1000000']
    # After the web check, so the console says "started probe" only after "web healthy".
    depends_on: { web: healthy }
  # Takes orders typed on the serial console, as qemu-tests/edge/probe.yml does.
  - name: probe
    depends_on: { client: started }
    restart: never
    command: |
      while read -r order < /dev/console; do
        case "$order" in
          bridge)
            # The client may still be starting (containerd, then CNI, under emulation): retry for up to 10 minutes.
            for try in $(seq 120); do
              page=$(ctr -n imago tasks exec --exec-id bridge$try client busybox wget -q -O - 10.88.0.1:8080/index.html 2>&1) && break
              sleep 5
            done
            echo "BRIDGE $page" ;;
          'outbound '*)
            echo "OUTBOUND $(ctr -n imago tasks exec --exec-id outbound client busybox wget -q -O - 10.0.2.2:\${order#outbound }/ 2>&1)"
            echo "NAT $(iptables -t nat -S POSTROUTING | grep -c CNI) rules, $(iptables --version)" ;;
        esac
      done
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
  test(`${arch}: a container runs with containerd and crun built from Debian source, and the host reaches it; a private-network container reaches the device's bridge address and the host through iptables built from Debian source`, async (t) => {
    // A cold run compiles the kernel with the containers fragment and containerd first: longer than ava's inactivity timeout.
    t.timeout(90 * 60_000);
    const target = getTarget(arch);
    const specDir = join('out', 'qemu-tests', `bigendian-containers-${arch}-spec`);
    await mkdir(specDir, { recursive: true });
    await writeFile(join(specDir, 'web.tar'), await busyboxWebArchive(target));
    await writeFile(join(specDir, 'spec.yml'), spec);
    const [image] = await build(join(specDir, 'spec.yml'), buildOptions({ outDir: join('out', 'qemu-tests', `bigendian-containers-${arch}`), arch: [arch], progress: terminalProgress() }));
    const manifest = JSON.parse(await readFile(join(image!.dir, 'manifest.json'), 'utf8')) as Manifest;
    t.regex(manifest.containerRuntime?.sources.find((source) => source.sourcePackage === 'iptables')?.version ?? 'none', /^1\.8\.9-/, 'the manifest names the iptables source');
    const port = await freePort();
    await withImage(
      image!.dir,
      async (vm) => {
        const healthy = await vm.expect('init: web healthy', HEALTHY_MS);
        t.log(`${arch}: container healthy ${(healthy.ms / 1000).toFixed(1)} s after QEMU started`);
        t.is(await fetchPage(port), page);
        await vm.expect('init: started probe', HEALTHY_MS);
        await vm.send('bridge\n');
        t.is((await vm.expect(/probe: BRIDGE (.*)\r?\n/, HEALTHY_MS)).groups[0], page.trim(), 'the private container reaches the device at 10.88.0.1');
        const token = `outbound-${Date.now()}`;
        const web = createServer((_request, response) => response.end(token));
        await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
        try {
          await vm.send(`outbound ${(web.address() as AddressInfo).port}\n`);
          t.is((await vm.expect(/probe: OUTBOUND (.*)\r?\n/, HEALTHY_MS)).groups[0], token, 'the private container reaches the host (QEMU 10.0.2.2) through the masquerade rule');
          t.regex((await vm.expect(/probe: NAT (.*)\r?\n/)).groups[0] ?? '', /^[1-9]\d* rules, iptables v1\.8\.9 \(legacy\)$/);
        } finally {
          web.close();
        }
      },
      { test: t, forwards: [{ host: port, guest: 8080 }] },
    );
  });
}
