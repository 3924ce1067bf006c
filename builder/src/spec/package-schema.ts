/**
 * One entry of the spec's `packages:`: a Debian package name, or the name with
 * `setup` commands that stand in for what its maintainer scripts would do.
 *
 *   packages: [curl, { name: nginx, setup: ["rm /etc/nginx/sites-enabled/default"] }]
 */
import { z } from 'zod';

const packageName = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'expected a Debian package name');

export const packageSchema = z.union([
  packageName,
  z
    .strictObject({
      name: packageName.describe('Required. The Debian package.'),
      setup: z
        .array(z.string().min(1, 'expected a shell command'))
        .optional()
        .describe("Shell commands run at build time in the image's tree (with the image's own /bin/sh under qemu-user), after the packages, the files and the tmpfiles.d entries: what the package's postinst would do that imago does not."),
    })
    .describe('A package with build-time setup commands.'),
]);

export type PackageSpec = z.output<typeof packageSchema>;

/** The package name of a `packages:` entry. */
export const nameOfPackage = (entry: PackageSpec): string => (typeof entry === 'string' ? entry : entry.name);

/** The package names of a `packages:` list. */
export function packageNames(packages: readonly PackageSpec[] | undefined): string[] {
  return (packages ?? []).map(nameOfPackage);
}
