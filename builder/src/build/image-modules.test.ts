import test from 'ava';
import { x86_64 } from '../../../targets/x86_64.ts';
import type { DebianKernel, KernelModule } from '../kernel/debian-kernel.ts';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import { imageModuleNames, selectImageModules } from './image-modules.ts';

/** A kernel with the modules x86_64 and a private network ask for, and their real dependencies (abridged). */
const dependencies: Record<string, string[]> = {
  virtio: [],
  virtio_ring: [],
  virtio_pci: ['virtio', 'virtio_ring'],
  virtio_net: ['virtio', 'virtio_ring'],
  virtio_rng: ['virtio', 'virtio_ring'],
  overlay: [],
  llc: [],
  stp: ['llc'],
  bridge: ['stp', 'llc'],
  veth: [],
  nfnetlink: [],
  nf_tables: ['nfnetlink'],
  nf_nat: [],
  nft_chain_nat: ['nf_nat', 'nf_tables'],
  nft_masq: ['nf_tables'],
  x_tables: [],
  nft_compat: ['nf_tables', 'nfnetlink', 'x_tables'],
  xt_MASQUERADE: ['x_tables'],
  xt_comment: ['x_tables'],
  xt_addrtype: ['x_tables'],
  ip_tables: ['x_tables'],
  iptable_nat: ['ip_tables', 'nf_nat'],
};
const kernel: DebianKernel = {
  packageName: 'linux-image-test',
  version: '1',
  kernelRelease: '6.1.0-test',
  image: new Uint8Array(),
  modules: new Map(Object.entries(dependencies).map(([name, depends]): [string, KernelModule] => [name, { name, path: `kernel/${name}.ko`, data: new Uint8Array(), depends, softdepPre: [] }])),
};

function split(services: string, kernelModules?: string[], runtimeFromSource?: boolean) {
  const text = `version: 1\nname: t\n${kernelModules ? `kernel: { modules: [${kernelModules.join(', ')}] }\n` : ''}${runtimeFromSource ? 'container_runtime: { from_source: true }\n' : ''}containers:\n  - { name: a, packages: [xx], entrypoint: [/x] }\nservices:\n${services}`;
  const { spec, problems } = parseSpec(text, 't.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  const { boot, privateNetwork } = selectImageModules(kernel, imageModuleNames(spec, x86_64));
  return { boot: boot.map((module) => module.name), privateNetwork: privateNetwork.map((module) => module.name) };
}

const virtio = ['virtio', 'virtio_ring', 'virtio_pci', 'virtio_net', 'virtio_rng'];
const privateNetwork = ['llc', 'stp', 'bridge', 'veth', 'nfnetlink', 'nf_tables', 'nf_nat', 'nft_chain_nat', 'nft_masq', 'x_tables', 'nft_compat', 'xt_MASQUERADE', 'xt_comment', 'xt_addrtype'];

const cases: { name: string; services: string; kernelModules?: string[]; runtimeFromSource?: boolean; boot: string[]; privateNetwork: string[] }[] = [
  {
    name: 'a private-network container: the bridge and netfilter modules wait for it, dependencies first',
    services: '  - { name: s, image: a, network: private }\n',
    boot: [...virtio, 'overlay'],
    privateNetwork,
  },
  {
    name: 'with the runtime (and so iptables) compiled from source: the legacy iptables modules instead of nftables',
    services: '  - { name: s, image: a, network: private }\n',
    runtimeFromSource: true,
    boot: [...virtio, 'overlay'],
    privateNetwork: ['llc', 'stp', 'bridge', 'veth', 'x_tables', 'ip_tables', 'nf_nat', 'iptable_nat', 'xt_MASQUERADE', 'xt_comment'],
  },
  {
    name: 'a host-network container next to it changes nothing',
    services: '  - { name: h, image: a, network: host }\n  - { name: s, image: a, network: private }\n',
    boot: [...virtio, 'overlay'],
    privateNetwork,
  },
  {
    name: 'a module the spec loads at boot is not loaded again later',
    services: '  - { name: s, image: a, network: private }\n',
    kernelModules: ['stp'],
    boot: [...virtio, 'overlay', 'llc', 'stp'],
    privateNetwork: privateNetwork.filter((name) => name !== 'llc' && name !== 'stp'),
  },
  {
    name: 'host-network containers only: overlay at boot, nothing later',
    services: '  - { name: h, image: a, network: host }\n',
    boot: [...virtio, 'overlay'],
    privateNetwork: [],
  },
  {
    name: 'no network at all: nothing later either',
    services: '  - { name: n, image: a, network: none }\n',
    boot: [...virtio, 'overlay'],
    privateNetwork: [],
  },
];

for (const c of cases) {
  test(c.name, (t) => {
    t.deepEqual(split(c.services, c.kernelModules, c.runtimeFromSource), { boot: c.boot, privateNetwork: c.privateNetwork });
  });
}

test('a spec without containers has only the target boot modules', (t) => {
  const { spec } = parseSpec('version: 1\nname: t\nservices:\n  - { name: app, command: /app }\n', 't.yml');
  const modules = selectImageModules(kernel, imageModuleNames(spec!, x86_64));
  t.deepEqual(modules.boot.map((module) => module.name), virtio);
  t.deepEqual(modules.privateNetwork, []);
  t.is(modules.boot[0]!.path, 'lib/modules/6.1.0-test/kernel/virtio.ko');
});
