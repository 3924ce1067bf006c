/**
 * The image spec, as one zod schema. It is the single source of the spec's
 * TypeScript types (`SpecInput` as written, `Spec` as resolved), of the JSON
 * Schema that `imago schema` prints, and of the validation messages
 * (see `format-issue.ts`). Each field's `.describe()` text is its documentation.
 */
import { z } from 'zod';
import { targetNames } from '../../../targets/index.ts';
import { containerRuntimeSchema, containerSchema, qemuSchema } from './container-schema.ts';
import { controlSchema } from './control-schema.ts';
import { fileSchema } from './file-schema.ts';
import { fleetSchema, timeSchema } from './fleet-schema.ts';
import { packageSchema } from './package-schema.ts';
import { absolutePath, command, env, name, owner } from './primitives.ts';
import { logsSchema, serviceSchema } from './service-schema.ts';
import { stateSchema } from './state-schema.ts';
import { duration, durationWithin, sizeWithin } from './units.ts';
import { groupsSection, usersSection } from './users-schema.ts';
import { minDataSize, minSlotSize } from './update-defaults.ts';

const ipv4 = z.ipv4({ error: 'expected an IPv4 address such as 10.0.0.1' });
const cidr = z.cidrv4({ error: 'expected an IPv4 address with prefix length, such as 192.168.1.10/24' });

const interfaceSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z0-9_.-]{1,15}$/, 'expected an interface name such as eth0').describe('Required. Interface name, e.g. eth0.'),
    dhcp: z.boolean().optional().describe('Get an address by DHCP (BusyBox udhcpc, supervised). Default when no address is set.'),
    address: cidr.optional().describe('Static IPv4 address with prefix length, e.g. 192.168.1.10/24.'),
    gateway: ipv4.optional().describe('Default gateway for a static address.'),
    dns: z.array(ipv4).optional().describe('DNS servers for a static address (DHCP brings its own).'),
  })
  .describe('One network interface.');

const onbootSchema = z
  .strictObject({
    name: name.describe('Required. Unique task name, used in logs.'),
    command: command,
    env: env.optional(),
    workdir: absolutePath.optional().describe('Working directory. Default /.'),
    user: owner.optional().describe('Run as this user (and group): "user", "user:group" or "uid:gid". Default root.'),
  })
  .describe('A one-shot command run to completion, in order, before services start.');

const kernelBuildSchema = z
  .strictObject({
    config: z
      .array(z.string().min(1))
      .optional()
      .describe('Extra kernel config fragments (CONFIG_X=y lines), relative to the spec, merged after the built-in ones.'),
  })
  .describe('Options of a kernel built from source.');

const kernelSchema = z
  .strictObject({
    package: z
      .string()
      .regex(/^[a-z0-9][a-z0-9+.-]+$/, 'expected a Debian package name')
      .optional()
      .describe("Debian kernel package. Default: the architecture's generic kernel (linux-image-amd64 on x86_64)."),
    cmdline: z
      .string()
      // The bootloader config and the cmdline file hold it as one line; the kernel stops reading at NUL.
      .regex(/^[^\0\n\r]*$/, 'expected a command line on one line, without NUL or line breaks')
      .optional()
      .describe('Extra kernel command line, appended after console= and the init options.'),
    modules: z
      .array(z.string().regex(/^[a-zA-Z0-9_-]+$/, 'expected a kernel module name such as virtio_blk'))
      .optional()
      .describe('Kernel modules put into the image (with their dependencies) and loaded at boot, in order. Debian kernels only: a built kernel has everything built in.'),
    build: z
      .union([z.boolean(), kernelBuildSchema], { error: 'expected true, false or { config: [fragment files] }' })
      .optional()
      .describe(
        "Build the kernel from Debian's linux-source-6.1 (tinyconfig + kernel-config/common.config + kernel-config/<arch>.config, everything built in) instead of using a Debian kernel package. Always done for mips and mips64, which have no Debian kernel. Default false.",
      ),
  })
  .describe('Where the kernel comes from and how it boots.');

const updateSchema = z
  .strictObject({
    keys: z.array(z.string().min(1)).min(1).describe('Required. Public key files (from `imago keygen`), relative to the spec: the image installs only bundles signed by one of them.'),
    compatible: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected lowercase letters, digits, ".", "_" and "-", such as acme-gateway')
      .max(64)
      .optional()
      .describe(
        'Which bundles this image installs: only those built from a spec with the same value (and for the same architecture). Set the same value in specs that must accept each other\'s bundles. Default: the image name and architecture, e.g. gateway-x86_64.',
      ),
    commit_after: duration.optional().describe('How long every critical service must be healthy before a trial boot commits. Default 60s.'),
    commit_timeout: durationWithin({ min: 10_000 }).optional().describe('A trial boot not committed this long after boot fails and the device reboots into the previous slot. Default 5m.'),
    tries: z.number().int().min(1).max(3).optional().describe('Boots a new slot gets before the bootloader falls back. Default 1.'),
    data_size: sizeWithin({ min: minDataSize }).optional().describe('Size of the persistent ext4 data partition (mounted at /data) in the raw disk image; at least 16M. Default 64M.'),
    slot_size: sizeWithin({ min: minSlotSize }).optional().describe('Room for one slot (kernel, initrd, cmdline, manifest) on the EFI system partition, which holds two; at least 8M. Default 96M.'),
  })
  .describe('A/B updates: the raw disk image (`imago build --format raw`), signed bundles and health-gated commits.');

export const specSchema = z
  .strictObject({
    version: z.literal(1).describe('Required. Spec format version; 1 is the only one so far.'),
    name: name.describe('Required. Image name, used in the manifest.'),
    image_version: z
      .string()
      .regex(/^\d+(\.\d+)*$/, 'expected dotted numbers such as 1.2.0')
      .optional()
      .describe('Version of this image (dotted numbers), recorded in the manifest and in bundles; an update must be newer. Default 0.'),
    arch: z
      .array(z.enum(targetNames))
      .min(1)
      .optional()
      .describe('Architectures to build for. Default [x86_64].'),
    kernel: kernelSchema.optional(),
    packages: z
      .array(packageSchema)
      .optional()
      .describe('Debian packages added to the root filesystem with their dependencies, as names or { name, setup }. busybox-static is always included.'),
    hostname: z
      .string()
      .regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, 'expected a host name of letters, digits and "-"')
      .optional()
      .describe('Host name. Default: the image name.'),
    users: usersSection,
    groups: groupsSection,
    files: z.array(fileSchema).optional().describe('Files, directories and symlinks added after the packages.'),
    network: z
      .strictObject({ interfaces: z.array(interfaceSchema).optional().describe('The interfaces to bring up, each by DHCP or with a static address. Default: eth0 by DHCP.') })
      .optional()
      .describe('Network interfaces; lo is always brought up. Default: eth0 by DHCP.'),
    onboot: z.array(onbootSchema).optional().describe('One-shot commands run in order at boot, each to completion, before any service starts.'),
    containers: z.array(containerSchema).optional().describe('Container images stored in the image: one built from packages as its root filesystem, run as it is; one from an archive imported into containerd at boot. Services run them with `image:`.'),
    container_runtime: containerRuntimeSchema.optional(),
    services: z.array(serviceSchema).optional().describe('Processes the init starts, supervises and restarts, in dependency order.'),
    state: stateSchema.optional(),
    logs: logsSchema.optional(),
    qemu: qemuSchema.optional(),
    update: updateSchema.optional(),
    control: controlSchema.optional(),
    fleet: fleetSchema.optional(),
    time: timeSchema.optional(),
  })
  .describe('An imago image spec.');

/** A spec as written in YAML. */
export type SpecInput = z.input<typeof specSchema>;
/** A spec after parsing: commands as argv lists, modes as numbers, env values as strings. */
export type Spec = z.output<typeof specSchema>;
export type { FileSpec } from './file-schema.ts';
export type { ContainerSpec } from './container-schema.ts';
export type { StateSpec } from './state-schema.ts';
export type { FleetSpec, TimeSpec } from './fleet-schema.ts';
export type { ServiceSpec, LogsSpec, RestartPolicy, DependencyCondition } from './service-schema.ts';
export type OnbootSpec = z.output<typeof onbootSchema>;
export type InterfaceSpec = z.output<typeof interfaceSchema>;
