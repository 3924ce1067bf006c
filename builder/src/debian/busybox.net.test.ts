// Needs the network (Debian mirror from the host's apt sources) on the first run;
// later runs use the package cache.
import test from 'ava';
import { silentProgress } from '../progress.ts';
import { Tree } from '../tree/tree.ts';
import { addBusyboxLinks, busyboxApplets } from './busybox.ts';
import { unpackDeb } from './deb.ts';
import { fetchPackages } from './download.ts';

test('the applets of Debian 12 busybox-static (amd64 and arm64) are read without running it', async (t) => {
  for (const arch of ['amd64', 'arm64']) {
    const debs = await fetchPackages(['busybox-static'], arch, silentProgress);
    t.deepEqual(debs.map((d) => [d.name, d.architecture]), [['busybox-static', arch]]);
    const tree = new Tree();
    await unpackDeb(debs[0]!.path, tree);
    const binary = tree.get('/bin/busybox');
    if (binary?.kind !== 'file') return t.fail(`no /bin/busybox in busybox-static for ${arch}`);
    const applets = busyboxApplets(binary.data);
    t.true(applets.length > 250, `${arch}: ${applets.length} applets`);
    for (const name of ['[', 'sh', 'ash', 'ls', 'mount', 'insmod', 'udhcpc', 'zcat']) t.true(applets.includes(name), `${arch}: ${name}`);
    const linked = addBusyboxLinks(tree);
    t.like(tree.get('/bin/sh'), { kind: 'symlink', target: '/bin/busybox' });
    t.is(linked.length, applets.length - 1); // everything but `busybox` itself
  }
});
