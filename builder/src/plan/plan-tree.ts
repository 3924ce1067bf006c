/**
 * The whole root filesystem of one image, planned from the spec and the loaded
 * inputs. Synchronous and pure: every byte it needs arrives in `PlanInputs`
 * (see build/load-inputs.ts), so it is tested without downloads or compilers.
 *
 * Layers, later ones winning: base layout, Debian packages, the accounts
 * (base-passwd's, the packages', the spec's users:), BusyBox applet links,
 * imago's own files (init, its config, kernel modules), the spec's files.
 */
import { packageNames } from '../spec/package-schema.ts';
import { addContainerRuntime } from '../containers/add-runtime.ts';
import { containerdDataProblems } from '../containers/data-room.ts';
import { containerEnvFiles, expandContainerServices } from '../containers/expand-services.ts';
import type { PreparedImage, StoredImage } from '../containers/image-containers.ts';
import { usesContainers } from '../containers/names.ts';
import { privateNetworkServices, usesPrivateNetwork } from '../containers/private-network.ts';
import { addBusyboxLinks } from '../debian/busybox.ts';
import type { Spec } from '../spec/schema.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import { bytes, Tree, type Entry } from '../tree/tree.ts';
import { configPath, type ModuleConfig } from '../../../contract/index.ts';
import { applyTmpfiles } from './apply-tmpfiles.ts';
import type { MasterFiles } from './base-accounts.ts';
import { addBaseLayout } from './base-layout.ts';
import { addAccountFiles, planAccounts } from './image-accounts.ts';
import { buildInitConfig } from './init-config.ts';
import { addFleetAgent, type FleetInputs } from './fleet-agent.ts';
import { addTimeService } from './time-service.ts';
import { addUpdateConfig, type UpdateInputs } from './update-config.ts';
import { addSpecFiles } from './spec-files.ts';
import { udhcpcScript, udhcpcScriptPath } from './udhcpc-script.ts';
import { UserDatabase } from './users.ts';

export interface ModuleFile {
  name: string;
  /** Image path without a leading slash, e.g. `lib/modules/<release>/kernel/.../virtio_net.ko`. */
  path: string;
  data: Uint8Array;
}

export interface PlanInputs {
  /** The unpacked contents of every Debian package, merged in package-name order. */
  packageEntries: readonly Entry[];
  /** The static init executable for the target. */
  init: Uint8Array;
  /** Kernel modules the init loads at boot, in load order (dependencies first). */
  modules: readonly ModuleFile[];
  /**
   * Kernel modules only private-network containers need, none of them in
   * `modules`, in load order: the init loads them before the first start of
   * such a service. None when absent.
   */
  privateNetworkModules?: readonly ModuleFile[];
  /** Bytes of the spec's `source:` files by index into `spec.files`. */
  sources: ReadonlyMap<number, Uint8Array>;
  /** The spec's container images as OCI archives, for the target (none without containers). */
  containers?: readonly StoredImage[];
  /** The spec's images built from packages, as root filesystems to run as they are. */
  preparedContainers?: readonly PreparedImage[];
  /** The OCI runtime containerd's shim runs instead of Debian's runc (crun, in a runtime compiled from source). */
  runcBinary?: string;
  /** For a spec with `update:`: the target and the trusted keys read from their files. */
  update?: UpdateInputs;
  /** For a spec with `time:` or `fleet:`: a static BusyBox with the ntpd applet for the target. */
  timeDaemon?: Uint8Array;
  /** For a spec with `fleet:`: the agent binary for the target, the CA and the token. */
  fleet?: FleetInputs;
  /** base-passwd's master files from its .deb; the built-in copy without (mips, mips64, tests). */
  master?: MasterFiles;
  /** Names of every unpacked package, dependencies included, for the package-users table. Default: the spec's. */
  packageNames?: readonly string[];
}

export interface PlannedTree {
  tree: Tree;
  /** Problems that need the image's contents to be found (unknown users). */
  problems: UnlocatedProblem[];
  /** What the build should tell but that does not stop it (tmpfiles.d lines left out). */
  notes: string[];
}

function moduleConfig(module: ModuleFile): ModuleConfig {
  return { name: module.name, path: `/${module.path}` };
}

export function planTree(spec: Spec, inputs: PlanInputs): PlannedTree {
  const tree = new Tree();
  addBaseLayout(tree, spec.name);
  for (const entry of inputs.packageEntries) tree.add(entry);
  const packages = inputs.packageNames ?? packageNames(spec.packages);
  const accounts = planAccounts({ tree, master: inputs.master, packages, spec, packagesPath: ['packages'] });
  addAccountFiles(tree, accounts.accounts);
  addBusyboxLinks(tree, '/bin/busybox');

  tree.add({ path: '/init', kind: 'file', mode: 0o755, data: inputs.init });
  // The init binary is also the control client: run as imagoctl, it talks to the control socket.
  tree.add({ path: '/usr/bin/imagoctl', kind: 'symlink', mode: 0o777, target: '/init' });
  tree.add({ path: udhcpcScriptPath, kind: 'file', mode: 0o755, data: bytes(udhcpcScript) });
  for (const module of [...inputs.modules, ...(inputs.privateNetworkModules ?? [])]) tree.add({ path: module.path, kind: 'file', mode: 0o644, data: module.data });
  if (usesContainers(spec)) addContainerRuntime(tree, inputs.containers ?? [], { privateNetwork: usesPrivateNetwork(spec), dataPartition: spec.update !== undefined, runcBinary: inputs.runcBinary }, inputs.preparedContainers);

  const users = new UserDatabase(tree);
  const problems = addSpecFiles(tree, spec, inputs.sources, users);
  // After the spec's files: a package's link or folder does not replace one the spec wrote.
  const tmpfiles = applyTmpfiles(tree, new UserDatabase(tree));
  const privateModules = (inputs.privateNetworkModules ?? []).map(moduleConfig);
  const serviceModules = new Map(privateModules.length > 0 ? privateNetworkServices(spec).map((name) => [name, privateModules]) : []);
  const { config, problems: configProblems } = buildInitConfig(expandContainerServices(spec), new UserDatabase(tree), inputs.modules.map(moduleConfig), serviceModules);
  if (tmpfiles.runtimeEntries.length > 0) config.runtimeEntries = tmpfiles.runtimeEntries;
  addUpdateConfig(tree, spec, config, inputs.update);
  addTimeService(tree, spec, config, inputs.timeDaemon);
  addFleetAgent(tree, spec, config, inputs.fleet);
  // Root only: it holds every service's environment, tokens and passwords included.
  tree.add({ path: configPath, kind: 'file', mode: 0o600, data: bytes(`${JSON.stringify(config, null, 2)}\n`) });
  for (const file of containerEnvFiles(spec, inputs.preparedContainers)) tree.add({ path: file.path, kind: 'file', mode: 0o600, data: bytes(file.text) });
  const dataProblems = containerdDataProblems(spec, (inputs.containers ?? []).map((image) => image.archive.length));
  return { tree, problems: [...accounts.problems, ...problems, ...configProblems, ...dataProblems], notes: tmpfiles.notes };
}
