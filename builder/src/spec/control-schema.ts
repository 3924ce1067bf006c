/**
 * The spec's `control:` section: who besides root may use the control socket
 * (`imagoctl`, later the remote management API), and for what. Names are
 * resolved to ids from the image's /etc/passwd and /etc/group at build time
 * (plan/control-access.ts); the init checks each request against the ids.
 *
 *   control:
 *     read: { groups: [adm] }          # status and logs
 *     admin: { users: [ops] }          # everything
 */
import { z } from 'zod';

const userName = z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'expected a user name or a numeric uid');
const groupName = z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'expected a group name or a numeric gid');
const id = z.number().int().min(0);

const grantSchema = z
  .strictObject({
    users: z
      .array(z.union([userName, id], { error: 'expected a user name or a numeric uid' }))
      .optional()
      .describe('Users, by name (from the image\'s /etc/passwd) or numeric uid.'),
    groups: z
      .array(z.union([groupName, id], { error: 'expected a group name or a numeric gid' }))
      .optional()
      .describe('Groups, by name (from the image\'s /etc/group) or numeric gid; a client is in a group by its primary or any supplementary group.'),
  })
  .describe('Users and groups granted this level.');

export const controlSchema = z
  .strictObject({
    read: grantSchema.optional().describe('May run the commands that only look: status and logs.'),
    admin: grantSchema
      .optional()
      .describe('May run every command, including those that change state: start, stop, restart, reboot, poweroff, halt and update. Includes read.'),
  })
  .describe(
    'Who may use the control socket (imagoctl) besides root, which always may run everything. Default: root only. The init checks each request against the ids the kernel gives for the connection (SO_PEERCRED).',
  );

export type ControlSpec = z.output<typeof controlSchema>;
