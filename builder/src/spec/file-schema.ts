/** The `files` entries of a spec, shared by the image and by container images built from Debian packages. */
import { z } from 'zod';
import { imagePath, mode, owner } from './primitives.ts';

export const fileSchema = z
  .strictObject({
    path: imagePath.describe('Required. Where the entry goes in the image.'),
    contents: z.string().optional().describe('Inline contents of a regular file.'),
    source: z.string().min(1).optional().describe('A host file whose bytes become this file, relative to the spec.'),
    directory: z.boolean().optional().describe('true: create a directory.'),
    symlink: z.string().min(1).optional().describe('Create a symbolic link pointing at this target.'),
    mode: mode.optional().describe('Permission bits in octal, as in chmod: 755, 0755 and "0755" are the same; at most 7777. Default 0644 (files), 0755 (directories).'),
    owner: owner.optional().describe('Owner as "user", "user:group" or "uid:gid". Default root:root.'),
  })
  .describe('One file, directory or symlink added to the root filesystem.');

export type FileSpec = z.output<typeof fileSchema>;
