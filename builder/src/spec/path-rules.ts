/**
 * Rules on where `files:` entries go, in the form of rules.ts. The schema
 * already refuses paths that are not below the root (see `imagePath`); these
 * need the whole list or knowledge of the image:
 *
 * - two entries naming one path, however written (`/etc//a`, `/etc/./a`);
 * - an entry inside another entry that is a file or a symlink;
 * - a path the builder writes itself (the init, its configuration);
 * - a path a file system mounted at boot hides, so the file would never be seen
 *   (not /var: the init copies the image's /var into the tmpfs it mounts there).
 *
 *   filePathRules(spec)   // [{ path: ['files', 2, 'path'], message: '"/init" is imago\'s init ...' }]
 */
import { dataMount } from '../../../contract/index.ts';
import { containerdConfigPath, usesContainers } from '../containers/names.ts';
import { cniConfigPath } from '../containers/private-network.ts';
import { normalisePath } from '../tree/tree.ts';
import type { FileSpec } from './file-schema.ts';
import { formatPath, type UnlocatedProblem } from './problem.ts';
import type { Spec } from './schema.ts';

/** A place in the image and why a spec's file cannot go there. */
interface Reserved {
  path: string;
  why: string;
  /** The init fills the mounted file system with the image's content there, so nothing is hidden. */
  seeded?: true;
}

/**
 * What the init mounts over the root at boot (init/src/boot/mounts.ts, the
 * path-rules test keeps the two in step). Whatever the image has below them is
 * out of sight once the boot is done.
 */
export const bootMountPoints: readonly Reserved[] = [
  { path: '/proc', why: 'the proc file system' },
  { path: '/sys', why: 'the sysfs file system' },
  { path: '/dev', why: 'devtmpfs' },
  { path: '/run', why: 'the tmpfs' },
  { path: '/tmp', why: 'the tmpfs' },
  { path: '/var', why: 'the tmpfs', seeded: true },
];

/** Paths the builder fills for every image; a spec entry there would replace or break them. */
const builderPaths: readonly Reserved[] = [
  { path: '/init', why: "imago's init (PID 1), which the builder writes" },
  { path: '/usr/bin/imagoctl', why: "imago's control client, a link to the init" },
  { path: '/etc/imago', why: "imago's configuration (init.json, update settings, container environments), which the builder writes" },
  { path: '/usr/share/imago', why: "imago's own files (the DHCP script, stored container images)" },
  { path: '/usr/libexec/imago', why: "imago's helper scripts" },
];

/** Paths the builder fills only for some specs. */
function conditionalBuilderPaths(spec: Spec): Reserved[] {
  const reserved: Reserved[] = [];
  if (usesContainers(spec)) reserved.push({ path: containerdConfigPath, why: 'the containerd configuration imago generates for container services' });
  if ((spec.services ?? []).some((service) => service.image !== undefined && service.network === 'private')) {
    reserved.push({ path: cniConfigPath, why: 'the network configuration imago generates for private-network containers' });
  }
  return reserved;
}

/** `/a` for `a`: messages show paths as the spec writes them. */
const absolute = (normal: string) => `/${normal}`;

/** Whether `normal` is `base` or inside it (both normalised, without the leading slash). */
function within(normal: string, base: string): boolean {
  return normal === base || normal.startsWith(`${base}/`);
}

/** The same path written twice, after `//`, `/./` and a trailing slash are taken out. */
export function duplicatePathProblems(files: readonly FileSpec[], at: (string | number)[]): UnlocatedProblem[] {
  const seen = new Map<string, number>();
  return files.flatMap((file, i): UnlocatedProblem[] => {
    const normal = normalisePath(file.path);
    const first = seen.get(normal);
    if (first === undefined) return (seen.set(normal, i), []);
    const same = files[first]!.path === file.path ? '' : ` (as "${files[first]!.path}")`;
    return [{ path: [...at, i, 'path'], message: `duplicate path "${file.path}", already set by ${formatPath(at)}[${first}]${same}` }];
  });
}

/** An entry inside one that is a regular file or a symlink: the build cannot put a file inside a file. */
export function nestedPathProblems(files: readonly FileSpec[], at: (string | number)[]): UnlocatedProblem[] {
  const leaves = files.flatMap((file, i) => (file.directory ? [] : [{ normal: normalisePath(file.path), index: i, kind: file.symlink !== undefined ? 'a symlink' : 'a regular file' }]));
  return files.flatMap((file, i): UnlocatedProblem[] => {
    const normal = normalisePath(file.path);
    const parent = leaves.find((leaf) => normal.startsWith(`${leaf.normal}/`));
    if (!parent) return [];
    return [
      {
        path: [...at, i, 'path'],
        message: `"${file.path}" is inside "${absolute(parent.normal)}", which ${formatPath(at)}[${parent.index}] makes ${parent.kind}; make that entry a directory (directory: true) or move this one`,
      },
    ];
  });
}

/** Entries at or under a path the builder writes. */
function builderPathProblems(spec: Spec): UnlocatedProblem[] {
  const reserved = [...builderPaths, ...conditionalBuilderPaths(spec)];
  return (spec.files ?? []).flatMap((file, i): UnlocatedProblem[] => {
    const normal = normalisePath(file.path);
    const hit = reserved.find((entry) => within(normal, normalisePath(entry.path)));
    if (!hit) return [];
    const where = normal === normalisePath(hit.path) ? `"${file.path}" is` : `"${file.path}" is inside ${hit.path}:`;
    return [{ path: ['files', i, 'path'], message: `${where} ${hit.why}; a file there would replace it. Choose another path` }];
  });
}

/** Entries under a mount point: the image has them, but the mounted file system covers them. */
function hiddenPathProblems(spec: Spec): UnlocatedProblem[] {
  const mounts = [...bootMountPoints.filter((mount) => !mount.seeded), ...(spec.update ? [{ path: dataMount, why: 'the data partition' }] : [])];
  return (spec.files ?? []).flatMap((file, i): UnlocatedProblem[] => {
    const normal = normalisePath(file.path);
    const hit = mounts.find((mount) => within(normal, normalisePath(mount.path)));
    if (!hit) return [];
    return [
      {
        path: ['files', i, 'path'],
        message: `"${file.path}" would be hidden by ${hit.why} mounted at ${hit.path} at boot, so nothing would ever see it. Put it elsewhere (e.g. under /etc or /opt) and, if it must be there, copy it with an onboot task`,
      },
    ];
  });
}

/** Every rule on the paths of `files:` and of each container's `files:`. */
export function filePathRules(spec: Spec): UnlocatedProblem[] {
  const files = spec.files ?? [];
  const containerProblems = (spec.containers ?? []).flatMap((container, c) => {
    const at = ['containers', c, 'files'];
    return [...duplicatePathProblems(container.files ?? [], at), ...nestedPathProblems(container.files ?? [], at)];
  });
  return [
    ...duplicatePathProblems(files, ['files']),
    ...nestedPathProblems(files, ['files']),
    ...builderPathProblems(spec),
    ...hiddenPathProblems(spec),
    ...containerProblems,
  ];
}
