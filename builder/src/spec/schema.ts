/**
 * The image spec, as one zod schema. It is the single source of the spec's
 * TypeScript types (`SpecInput` as written, `Spec` as resolved), of the JSON
 * Schema that `imago schema` prints, and of the validation messages
 * (see `format-issue.ts`). Each field's `.describe()` text is its documentation.
 */
import { z } from 'zod';
import { targetNames } from '../../../targets/index.ts';
import { absolutePath, command, env, mode, name, owner } from './primitives.ts';
import { logsSchema, serviceSchema } from './service-schema.ts';

const ipv4 = z.ipv4({ error: 'expected an IPv4 address such as 10.0.0.1' });
const cidr = z.cidrv4({ error: 'expected an IPv4 address with prefix length, such as 192.168.1.10/24' });

const fileSchema = z
  .strictObject({
    path: absolutePath.describe('Required. Where the entry goes in the image.'),
    contents: z.string().optional().describe('Inline contents of a regular file.'),
    source: z.string().min(1).optional().describe('A host file whose bytes become this file, relative to the spec.'),
    directory: z.boolean().optional().describe('true: create a directory.'),
    symlink: z.string().min(1).optional().describe('Create a symbolic link pointing at this target.'),
    mode: mode.optional().describe('Permission bits in octal, e.g. "0755". Default 0644 (files), 0755 (directories).'),
    owner: owner.optional().describe('Owner as "user", "user:group" or "uid:gid". Default root:root.'),
  })
  .describe('One file, directory or symlink added to the root filesystem.');

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
    workdir: absolutePath.optional(),
    user: owner.optional(),
  })
  .describe('A one-shot command run to completion, in order, before services start.');

const kernelSchema = z
  .strictObject({
    package: z
      .string()
      .regex(/^[a-z0-9][a-z0-9+.-]+$/, 'expected a Debian package name')
      .optional()
      .describe("Debian kernel package. Default: the architecture's generic kernel (linux-image-amd64 on x86_64)."),
    cmdline: z.string().optional().describe('Extra kernel command line, appended after console= and the init options.'),
    modules: z
      .array(z.string().regex(/^[a-zA-Z0-9_-]+$/, 'expected a kernel module name such as virtio_blk'))
      .optional()
      .describe('Kernel modules put into the image (with their dependencies) and loaded at boot, in order.'),
  })
  .describe('Where the kernel comes from and how it boots.');

export const specSchema = z
  .strictObject({
    version: z.literal(1).describe('Required. Spec format version; 1 is the only one so far.'),
    name: name.describe('Required. Image name, used in the manifest.'),
    arch: z
      .array(z.enum(targetNames))
      .min(1)
      .optional()
      .describe('Architectures to build for. Default [x86_64].'),
    kernel: kernelSchema.optional(),
    packages: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'expected a Debian package name'))
      .optional()
      .describe('Debian packages added to the root filesystem with their dependencies. busybox-static is always included.'),
    hostname: z
      .string()
      .regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, 'expected a host name of letters, digits and "-"')
      .optional()
      .describe('Host name. Default: the image name.'),
    files: z.array(fileSchema).optional().describe('Files, directories and symlinks added after the packages.'),
    network: z
      .strictObject({ interfaces: z.array(interfaceSchema).optional() })
      .optional()
      .describe('Network interfaces; lo is always brought up. Default: eth0 by DHCP.'),
    onboot: z.array(onbootSchema).optional(),
    services: z.array(serviceSchema).optional(),
    logs: logsSchema.optional(),
  })
  .describe('An imago image spec.');

/** A spec as written in YAML. */
export type SpecInput = z.input<typeof specSchema>;
/** A spec after parsing: commands as argv lists, modes as numbers, env values as strings. */
export type Spec = z.output<typeof specSchema>;
export type FileSpec = z.output<typeof fileSchema>;
export type { ServiceSpec, LogsSpec, RestartPolicy, DependencyCondition } from './service-schema.ts';
export type OnbootSpec = z.output<typeof onbootSchema>;
export type InterfaceSpec = z.output<typeof interfaceSchema>;
