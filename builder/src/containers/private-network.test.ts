import test from 'ava';
import { parseSpec } from '../spec/parse.ts';
import { applyTmpfiles } from '../plan/apply-tmpfiles.ts';
import { UserDatabase } from '../plan/users.ts';
import { Tree } from '../tree/tree.ts';
import { mips } from '../../../targets/mips.ts';
import { x86_64 } from '../../../targets/x86_64.ts';
import { containerHostPackages, containerKernelModules, iptablesBackend, privateNetworkKernelModules } from './host-support.ts';
import { addPrivateNetwork, cniConfig, privateNetworkServices, usesPrivateNetwork } from './private-network.ts';

const spec = (network: string, runtime = '') => {
  const { spec: parsed, problems } = parseSpec(`version: 1\nname: t\n${runtime}containers:\n  - { name: a, packages: [xx], entrypoint: [/x] }\nservices:\n  - { name: s, image: a, network: ${network} }\n`, 'spec.yml');
  if (!parsed) throw new Error(problems.map((p) => p.message).join('\n'));
  return parsed;
};
const fromSource = 'container_runtime: { from_source: true }\n';

test('a private-network service brings Debian\'s CNI plugins, iptables (nft) and the nftables modules', (t) => {
  t.true(usesPrivateNetwork(spec('private')));
  t.deepEqual(containerHostPackages(spec('private')), ['containerd', 'runc', 'containernetworking-plugins', 'iptables']);
  t.is(iptablesBackend(spec('private'), x86_64), 'nft');
  t.deepEqual(privateNetworkKernelModules(spec('private'), x86_64), ['bridge', 'veth', 'nf_tables', 'nft_chain_nat', 'nft_masq', 'nft_compat', 'xt_MASQUERADE', 'xt_comment', 'xt_addrtype']);
  t.deepEqual(containerKernelModules(spec('private')), ['overlay'], 'the boot loads only overlayfs: the network modules wait for the service');
  t.deepEqual(privateNetworkServices(spec('private')), ['s']);
});

test('with the runtime compiled from source, no Debian package comes in and the modules are the legacy iptables ones', (t) => {
  t.deepEqual(containerHostPackages(spec('private', fromSource)), [], 'the compiled iptables replaces Debian\'s and its glibc');
  t.is(iptablesBackend(spec('private', fromSource), x86_64), 'legacy');
  t.deepEqual(privateNetworkKernelModules(spec('private', fromSource), x86_64), ['bridge', 'veth', 'ip_tables', 'iptable_nat', 'xt_MASQUERADE', 'xt_comment']);
  t.is(iptablesBackend(spec('private'), mips), 'legacy', 'mips has no Debian binaries: always compiled');
});

test('host and none networks need neither', (t) => {
  for (const network of ['host', 'none']) {
    t.false(usesPrivateNetwork(spec(network)));
    t.deepEqual(containerHostPackages(spec(network)), ['containerd', 'runc']);
    t.deepEqual(containerHostPackages(spec(network, fromSource)), []);
    t.deepEqual(containerKernelModules(spec(network)), ['overlay']);
    t.deepEqual(privateNetworkKernelModules(spec(network), x86_64), []);
    t.deepEqual(privateNetworkKernelModules(spec(network, fromSource), x86_64), []);
    t.deepEqual(privateNetworkServices(spec(network)), []);
  }
});

test('the network is a masquerading gateway bridge with host-local addresses', (t) => {
  const network = JSON.parse(cniConfig());
  t.is(network.name, 'imago');
  t.like(network.plugins[0], { type: 'bridge', bridge: 'imago0', isGateway: true, ipMasq: true });
  t.deepEqual(network.plugins[0].ipam.ranges, [[{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }]]);
  t.deepEqual(network.plugins.map((p: { type: string }) => p.type), ['bridge', 'loopback']);
});

test('the image keeps only the plugins it uses, links /opt/cni/bin, and has the iptables-nft commands through the postinst table', (t) => {
  const tree = new Tree();
  for (const plugin of ['bridge', 'host-local', 'loopback', 'dhcp', 'portmap']) tree.add({ path: `/usr/lib/cni/${plugin}`, kind: 'file', mode: 0o755, data: new Uint8Array(1) });
  tree.add({ path: '/usr/sbin/xtables-nft-multi', kind: 'file', mode: 0o755, data: new Uint8Array(1) });
  tree.add({ path: '/usr/sbin/iptables-nft', kind: 'symlink', mode: 0o777, target: 'xtables-nft-multi' });
  addPrivateNetwork(tree);
  applyTmpfiles(tree, new UserDatabase({ passwd: 'root:x:0:0::/root:/bin/sh\n', group: 'root:x:0:\n' }));
  t.deepEqual(tree.entries().filter((e) => e.path.startsWith('usr/lib/cni/')).map((e) => e.path), ['usr/lib/cni/bridge', 'usr/lib/cni/host-local', 'usr/lib/cni/loopback']);
  t.like(tree.get('/opt/cni/bin'), { kind: 'symlink', target: '/usr/lib/cni' });
  t.like(tree.get('/usr/sbin/iptables'), { kind: 'symlink', target: '/etc/alternatives/iptables' });
  t.like(tree.get('/etc/alternatives/iptables'), { kind: 'symlink', target: '/usr/sbin/iptables-nft' });
  t.true(tree.has('/etc/cni/net.d/10-imago.conflist'));
});
