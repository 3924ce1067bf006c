/**
 * The spec's `users:` and `groups:` sections: accounts added to the image's
 * /etc/passwd and /etc/group next to the base accounts (base-passwd's) and the
 * ones the packages declare (plan/image-accounts.ts).
 *
 *   users: [{ name: app, home: /var/lib/app, groups: [dialout] }]
 *   groups: [{ name: gpio, gid: 997 }]
 */
import { z } from 'zod';
import { absolutePath } from './primitives.ts';

/** Names as Debian's adduser accepts them for system accounts (NAME_REGEX_SYSTEM), at most 32 bytes. */
export const accountName = z
  .string()
  .regex(/^[a-z_][a-z0-9_-]{0,30}\$?$/, 'expected an account name of lowercase letters, digits, "_" or "-", starting with a letter or "_" (at most 32)');

const id = z.number().int().min(1, 'expected an id from 1 to 65533 (0 is root, 65534 nobody)').max(65533, 'expected an id from 1 to 65533 (0 is root, 65534 nobody)');

export const userSchema = z
  .strictObject({
    name: accountName.describe('Required. The user name.'),
    uid: id.optional().describe('User id. Default: the lowest free id in 100-999 (system) or 1000-59999, given in name order so it is the same on every build.'),
    gid: id.optional().describe('Id of the user\'s own group (of the same name), created unless groups: or a package declares it. Default: the uid when free.'),
    home: absolutePath.optional().describe('Home directory (not created: add it under files: if the user writes there). Default /nonexistent.'),
    shell: absolutePath.optional().describe('Login shell. Default /usr/sbin/nologin.'),
    groups: z.array(accountName).optional().describe('Supplementary groups (base, packages\' or groups:), such as dialout or audio.'),
    system: z.boolean().default(true).describe('A system account (ids 100-999, as Debian\'s adduser --system) or a regular one (ids from 1000). Default true.'),
  })
  .describe('A user added to /etc/passwd, with its own group; every account is locked (no password).');

export const groupSchema = z
  .strictObject({
    name: accountName.describe('Required. The group name.'),
    gid: id.optional().describe('Group id. Default: the lowest free id in 100-999 (system) or 1000-59999, in name order.'),
    members: z.array(accountName).optional().describe('Users added to the group as a supplementary group.'),
    system: z.boolean().default(true).describe('A system group (ids 100-999) or a regular one (ids from 1000). Default true.'),
  })
  .describe('A group added to /etc/group.');

export const usersSection = z.array(userSchema).optional().describe('System users added to the image (and their own groups). Packages\' users are added without being listed: see "Using Debian packages" in the README.');
export const groupsSection = z.array(groupSchema).optional().describe('Groups added to the image.');

export type UserSpec = z.output<typeof userSchema>;
export type GroupSpec = z.output<typeof groupSchema>;
