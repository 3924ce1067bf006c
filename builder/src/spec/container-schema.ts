/**
 * The `containers` section of the spec: OCI images that travel inside the OS
 * image (an edge device may have no registry at boot). Each is built by imago
 * from Debian packages for the target architecture, or taken from an OCI
 * archive or `docker save` tarball. Services run them with `image: <name>`.
 * Also the `qemu` section: how `imago run` and the tests boot the image.
 */
import { z } from 'zod';
import { excludePatternProblem } from '../containers/exclude-paths.ts';
import { fileSchema } from './file-schema.ts';
import { absolutePath, env, name, owner } from './primitives.ts';
import { sizeWithin } from './units.ts';

/** Less RAM than this cannot hold a kernel and the unpacked initramfs. */
const guestMemory = sizeWithin({ min: 32 * 1024 ** 2 });

const packageName = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'expected a Debian package name');

export const containerSchema = z
  .strictObject({
    name: name.describe('Required. Image name; services refer to it with `image:`. In containerd it is imago/<name>:latest.'),
    packages: z
      .array(packageName)
      .min(1)
      .optional()
      .describe('Build the image from these Debian packages (with their dependencies, for the target architecture, maintainer scripts not run), like apko. On mips and mips64, which Debian has no binaries for, only busybox-static, mosquitto and mosquitto-clients, which imago compiles from Debian\'s source (see from_source). Exactly one of packages or archive.'),
    from_source: z
      .boolean()
      .optional()
      .describe('Compile packages from their Debian source instead of unpacking Debian\'s binaries: static programs and nothing else, a fraction of the size (mosquitto 2 MB with TLS against 15 MB with its libraries). Only busybox-static, mosquitto and mosquitto-clients (mosquitto with TLS, linked against OpenSSL compiled from Debian\'s source; without websockets, libsystemd, libwrap, DLT and plugins). Always so on mips and mips64. Default false.'),
    files: z.array(fileSchema).optional().describe('Files added to a built image after its packages; `source` is relative to the spec.'),
    entrypoint: z.array(z.string()).min(1).optional().describe('The built image\'s Entrypoint (argv).'),
    cmd: z.array(z.string()).optional().describe('The built image\'s Cmd: arguments after the entrypoint, or the command when there is none.'),
    env: env.optional().describe('Environment of a built image, added to PATH.'),
    workdir: absolutePath.optional().describe('Working directory of a built image. Default /.'),
    user: owner.optional().describe('User of a built image: "user", "user:group" or "uid:gid", looked up in the image\'s /etc/passwd: base-passwd\'s accounts and its packages\' users (sysusers.d files and imago\'s package-users table). Default root.'),
    exclude: z
      .array(z.string().superRefine((pattern, ctx) => {
        const problem = excludePatternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }))
      .optional()
      .describe('Paths of a built image\'s packages to leave out, added to the defaults (documentation, manuals, translations, completions, service-manager units, headers, package-manager state): absolute path patterns where * matches within a segment and ** across segments; a folder takes everything below it; !pattern keeps what an earlier one left out (the last match decides). Besides, of the programs and libraries that dependencies bring, only those a kept program links stay: list a package to keep all its programs. The image\'s `files` are never left out.'),
    archive: z
      .string()
      .min(1)
      .optional()
      .describe('Take the image from an OCI archive (tar of an OCI layout) or a `docker save` tarball, relative to the spec, optionally gzip-compressed. It must have an image for the target architecture.'),
  })
  .describe('One container image stored in the OS image.');

export const containerRuntimeSchema = z
  .strictObject({
    from_source: z
      .boolean()
      .optional()
      .describe('Compile containerd, its shim, ctr and the CNI plugins from Debian 12\'s sources (Go 1.19, as Debian builds them), with crun (C) as the OCI runtime in place of runc, instead of using Debian\'s binaries: without the Kubernetes CRI plugin and the snapshotters the image does not use, about half the size, and containers start in a fraction of the time. The first build takes a few minutes per architecture and is cached. Always so on mips and mips64. Default false.'),
  })
  .describe('How the image gets containerd and its OCI runtime, for a spec with containers.');

export const qemuSchema = z
  .strictObject({
    memory: guestMemory.optional().describe('Guest RAM for `imago run` and the tests, e.g. 1G. Default: the architecture\'s (512M). Images with containers need more: everything lives in RAM.'),
  })
  .describe('How QEMU boots this image.');

export type ContainerSpec = z.output<typeof containerSchema>;
