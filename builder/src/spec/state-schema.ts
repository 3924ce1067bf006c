/**
 * The spec's `state:` section: folders of the read-only root that hold what a
 * device generates once and keeps (SSH host keys, TLS keys, a machine id).
 * At boot the init keeps each in /data/state/<path> (or /run/imago/state/<path>
 * without a data partition), runs `generate` there once, and bind-mounts it
 * over <path> (init/src/boot/state-plan.ts).
 *
 *   state:
 *     - path: /etc/ssh
 *       generate: ssh-keygen -A
 */
import { z } from 'zod';
import { dataMount } from '../../../contract/index.ts';
import { normalisePath } from '../tree/tree.ts';
import { command, imagePath } from './primitives.ts';

/**
 * Folders that are already writable, or mounted over, at run time: state
 * there would be hidden by that mount or is writable without imago's help.
 */
const runtimeFolders = ['/var', '/run', '/tmp', '/proc', '/sys', '/dev', dataMount];

/** imago's own files: a device's frozen copy would outlive the image that an update brings. */
const imagoFolders = ['/etc/imago', '/usr/share/imago', '/usr/libexec/imago'];

/** Whether `path` is `folder` or below it, however the spec writes it. */
function within(path: string, folder: string): boolean {
  const normal = normalisePath(path);
  return normal === folder.slice(1) || normal.startsWith(`${folder.slice(1)}/`);
}

const statePath = imagePath
  .refine(
    (path) => !runtimeFolders.some((folder) => within(path, folder)),
    `expected a folder of the read-only root, not under ${runtimeFolders.join(', ')}: those are mounted (or writable) at run time already`,
  )
  .refine(
    (path) => !imagoFolders.some((folder) => within(path, folder)),
    `expected a folder outside ${imagoFolders.join(', ')}: imago writes those, and a device's kept copy would hide the next image's`,
  );

const stateEntrySchema = z
  .strictObject({
    path: statePath.describe('Required. A folder of the image (e.g. /etc/ssh) whose content is kept per device, writable, in the state folder.'),
    generate: command
      .optional()
      .describe('Run once, at the first boot with the state folder mounted over path (e.g. "ssh-keygen -A"); a failure is logged and the command runs again at the next boot.'),
  })
  .describe('A folder kept per device: created at the first boot from the image\'s content, then bind-mounted over the read-only root at every boot.');

/** `state:` as a list: two entries naming the same folder, or one inside another, would mount over each other. */
export const stateSchema = z
  .array(stateEntrySchema)
  .superRefine((entries, context) => {
    const normal = entries.map((entry) => normalisePath(entry.path));
    normal.forEach((path, i) => {
      const other = normal.findIndex((base, j) => j !== i && (base === path ? j < i : path.startsWith(`${base}/`)));
      if (other < 0) return;
      const relation = normal[other] === path ? 'another folder than' : 'a folder outside';
      context.addIssue({
        code: 'custom',
        path: [i, 'path'],
        message: `expected ${relation} state[${other}].path "${entries[other]!.path}" (state folders would mount over each other: keep only the outer one)`,
        input: entries[i]!.path,
      });
    });
  })
  .describe('Folders generated once per device (SSH host keys, TLS keys) and kept on the data partition, or in RAM without one.');

export type StateSpec = z.output<typeof stateEntrySchema>;
