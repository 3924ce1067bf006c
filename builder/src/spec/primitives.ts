/** Schema pieces shared by the spec's sections. */
import { z } from 'zod';

/** A name usable as a file name and in logs: services, onboot tasks, the image. */
export const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'expected a name of lowercase letters, digits, ".", "_" or "-" (at most 63)');

// A NUL ends the path early in every system call, and a line break would split the lines of init.json's consumers and of logs.
export const absolutePath = z
  .string()
  .regex(/^\//, 'expected an absolute path starting with "/"')
  .regex(/^[^\0\n\r]*$/, 'expected a path without NUL or line breaks');

/**
 * A path of an entry in the image: absolute, below the root and without ".."
 * (the tree would resolve it to somewhere the spec does not say; above the
 * root the build fails). `//` and `/./` are allowed: they name the same path.
 */
export const imagePath = absolutePath
  .refine((path) => !path.split('/').includes('..'), 'expected a path without ".." components: write the path it leads to')
  .refine((path) => path.split('/').some((part) => part !== '' && part !== '.'), 'expected a path below "/", not the root itself');

/** A command: a list of arguments, or one string run by `/bin/sh -c`. */
export const command = z
  .union([z.array(z.string()).min(1), z.string().min(1)], { error: 'expected a list of arguments or a command string' })
  .describe('The command: a list of arguments (argv), or one string run by /bin/sh -c.')
  .transform((value) => (typeof value === 'string' ? ['/bin/sh', '-c', value] : value));

export const env = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name: letters, digits and "_", not starting with a digit'),
    z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }),
  )
  .describe('Environment variables added to the defaults (PATH, HOME, TERM).')
  .transform((vars) => Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, String(value)])));

/** File modes and umasks are octal: a string of octal digits ("0644"), or the number a YAML octal literal gave. */
export const mode = z
  .union([z.string().regex(/^(0o?)?[0-7]{1,4}$/, 'expected an octal mode such as "0644"'), z.number().int().min(0).max(0o7777)], {
    error: 'expected an octal mode such as "0644"',
  })
  .transform((value) => (typeof value === 'number' ? value : parseInt(value.replace(/^0o/, ''), 8)));

/** `user`, `user:group`, or numeric ids; names are looked up in the image's /etc/passwd and /etc/group. */
export const owner = z
  .union(
    [z.string().regex(/^[a-z_][a-z0-9_-]*(:[a-z_][a-z0-9_-]*)?$|^\d+(:\d+)?$/, 'expected "user", "user:group" or "uid:gid"'), z.number().int().min(0)],
    { error: 'expected "user", "user:group" or "uid:gid"' },
  )
  .transform(String);

export const port = z.number().int().min(1, 'expected a port from 1 to 65535').max(65535, 'expected a port from 1 to 65535');
