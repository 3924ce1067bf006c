/** What `imago fleet` (builder/src/cli/commands/fleet.ts) calls. */
export { initCommand } from './init-command.ts';
export { serveCommand } from './serve-command.ts';
export { addOperator } from './operator-add.ts';
export { readPassword } from './read-password.ts';
export * from './operator-commands.ts';
export { FleetError } from '../errors.ts';
