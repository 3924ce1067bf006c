/**
 * base-passwd's master files for one Debian architecture, read from its .deb
 * (downloaded once into the package cache like every other package). Only the
 * two master files are used: the package itself, and its dependencies (libc6,
 * libdebconfclient0), stay out of the image, whose /etc/passwd and /etc/group
 * the builder writes from them (plan/image-accounts.ts).
 *
 *   const { master, deb } = await fetchBaseMasterFiles('arm64', progress);
 */
import { unpackDeb } from '../debian/deb.ts';
import { downloadPackages, type DownloadedPackage } from '../debian/download.ts';
import { resolvePackages } from '../debian/resolve.ts';
import { BuildError } from '../errors.ts';
import { masterFilePaths, type MasterFiles } from '../plan/base-accounts.ts';
import type { Progress } from '../progress.ts';
import { Tree } from '../tree/tree.ts';

/**
 * Downloads base-passwd for `debianArch` (without its dependencies) and reads
 * its master files. Throws BuildError if the package lacks them.
 */
export async function fetchBaseMasterFiles(debianArch: string, progress: Progress): Promise<{ master: MasterFiles; deb: DownloadedPackage }> {
  const resolved = (await resolvePackages(['base-passwd'], debianArch, progress)).filter((pkg) => pkg.name === 'base-passwd');
  const [deb] = await downloadPackages(resolved, debianArch, progress);
  if (!deb) throw new BuildError(`failed to find base-passwd for ${debianArch}`);
  const tree = new Tree();
  await unpackDeb(deb.path, tree);
  const read = (path: string) => {
    const entry = tree.get(path);
    const file = entry && tree.resolveHardlink(entry);
    if (!file) throw new BuildError(`failed to read /${path} from ${deb.path}: base-passwd ${deb.version} does not ship it`);
    return new TextDecoder().decode(file.data);
  };
  return { master: { passwd: read(masterFilePaths.passwd), group: read(masterFilePaths.group) }, deb };
}
