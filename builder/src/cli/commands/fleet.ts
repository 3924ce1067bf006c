/**
 * `imago fleet ...`: the fleet server and the operator's commands. The work is
 * in fleet/src/cli; this file only declares the commands and turns the
 * fleet's errors into imago's, so main.ts prints them like any other.
 */
import { Command, Option } from 'commander';
import { ImagoError } from '../../errors.ts';

/** A fleet problem the user can act on: a refusal, an unreachable server, a wrong file (`E_FLEET`). */
export class FleetCommandError extends ImagoError {
  readonly code = 'E_FLEET';
}

type FleetCli = typeof import('../../../../fleet/src/cli/index.ts');
type Action = (fleet: FleetCli, ...args: any[]) => Promise<void>;

/**
 * Runs a fleet action, turning its FleetError into a FleetCommandError and
 * dropping commander's Command argument. The fleet code (and its X.509
 * library) loads only when a fleet command runs, so other commands start as fast as before.
 */
function run(action: Action): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const fleet: FleetCli = await import('../../../../fleet/src/cli/index.ts');
    try {
      await action(fleet, ...args.slice(0, -1));
    } catch (error) {
      if (error instanceof fleet.FleetError) throw new FleetCommandError(error.message, { cause: error });
      throw error;
    }
  };
}

const profileOption = () => new Option('--profile <file>', 'operator profile (default: $IMAGO_FLEET_PROFILE)');
const jsonOption = () => new Option('--json', 'print JSON instead of text');

/** An operator command: --profile and --json, options merged into the last argument. */
function operatorCommand(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).addOption(profileOption()).addOption(jsonOption());
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds `fleet` and its subcommands to `program`. */
export function addFleetCommand(program: Command): Command {
  const root = program
    .command('fleet')
    .description('Run a fleet server and manage devices through it: activation with batch tokens, mutual TLS, remote commands, logs and updates.')
    .addHelpText('after', '\nOperator commands find their profile with --profile FILE or IMAGO_FLEET_PROFILE.\nServers are named HOST:PORT, e.g. 10.0.0.5:8443.');

  root
    .command('init')
    .description('Create a fleet folder: CA, server certificate, fleet.json and the database. Refuses a folder that holds a fleet.')
    .argument('<dir>', 'the new fleet folder')
    .option('--address <host>', 'a host name or IP devices and operators use to reach the server (repeatable; 127.0.0.1 and localhost are always added)', collect)
    .option('--listen <host:port>', 'where serve listens', '0.0.0.0:8443')
    .option('--postgres <connection>', 'keep the fleet in PostgreSQL (a connection string) instead of DIR/fleet.db')
    .action(run((fleet, dir, flags) => fleet.initCommand(dir, flags)));

  root
    .command('serve')
    .description('Serve the fleet: devices activate and poll, operators send commands. Stops on SIGINT or SIGTERM.')
    .argument('<dir>', 'the fleet folder')
    .option('--listen <host:port>', "override fleet.json's listen address")
    .action(run((fleet, dir, flags) => fleet.serveCommand(dir, flags)));

  const operator = root.command('operator').description('Operators of a fleet (run on the fleet host).');
  operator
    .command('add')
    .description("Issue an operator certificate and write the operator's profile (0600).")
    .argument('<name>', 'operator name')
    .requiredOption('--fleet <dir>', 'the fleet folder')
    .option('--out <file>', 'profile file (default DIR/operators/NAME.json)')
    .option('--server <host:port>', "the server address to put in the profile (default: fleet.json's first address and listen port)")
    .option('--password', 'also let the operator sign in to the web console: asks for a password on the terminal')
    .option('--password-file <file>', "like --password, the password being the file's first line (for scripts)")
    .action(
      run(async (fleet, name, flags) => {
        const password = await fleet.readPassword(flags, name);
        process.stdout.write(`${await fleet.addOperator(name, { ...flags, password })}: operator ${name}'s profile (keep it secret)${password ? '; may sign in to the web console' : ''}\n`);
      }),
    );

  operatorCommand(root, 'devices', 'List devices: id, host, arch, image version, last seen.').action(run((fleet, flags) => fleet.devicesCommand(flags)));
  operatorCommand(root, 'status', "A device's last report: services, addresses, update slots.").argument('<device>').action(run((fleet, device, flags) => fleet.statusCommand(device, flags)));
  operatorCommand(root, 'logs', "A service's log lines from a device.")
    .argument('<device>')
    .argument('<service>')
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .option('-n, --lines <n>', 'last lines to print first', '100')
    .action(run((fleet, device, service, flags) => fleet.logsCommand(device, service, flags)));
  for (const action of ['start', 'stop', 'restart'] as const) {
    operatorCommand(root, action, `${action[0]!.toUpperCase()}${action.slice(1)} a service on a device; waits up to 30 s for the device's answer.`)
      .argument('<device>')
      .argument('<service>')
      .action(run((fleet, device, service, flags) => fleet.serviceCommand(action, device, service, flags)));
  }
  operatorCommand(root, 'reboot', 'Reboot a device; waits up to 30 s for its answer.').argument('<device>').action(run((fleet, device, flags) => fleet.rebootCommand(device, flags)));
  operatorCommand(root, 'update', 'Upload a signed bundle and update a device (or every device of a batch); waits for committed or rolled back.')
    // Commander needs the required argument first: DEVICE BUNDLE, or BUNDLE alone with --batch.
    .argument('<device>', 'the device (leave out with --batch)')
    .argument('[bundle]', 'a bundle from imago bundle')
    .option('--batch <name>', 'update every live device activated from this batch')
    .option('--timeout <seconds>', 'how long to wait for each outcome', '900')
    .action(
      run((fleet, first: string, second: string | undefined, flags) => (second === undefined ? fleet.updateCommand(undefined, first, flags) : fleet.updateCommand(first, second, flags))),
    );
  operatorCommand(root, 'revoke', 'Revoke a device: the server refuses it from its next request.').argument('<device>').action(run((fleet, device, flags) => fleet.revokeCommand(device, flags)));
  operatorCommand(root, 'audit', 'What operators did, newest first.').option('--limit <n>', 'entries', '100').action(run((fleet, flags) => fleet.auditCommand(flags)));

  const batch = root.command('batch').description('Activation batches: one token activates up to --count devices (or the listed serials) until it expires.');
  operatorCommand(batch, 'create', 'Create a batch and print its token once.')
    .option('--count <n>', 'devices that may activate')
    .requiredOption('--expires <duration>', 'how long the token works: 7d, 12h, 30m')
    .option('--name <name>', 'batch name (default: batch-<random>)')
    .option('--serials <file>', 'only these serials may activate (one a line), each once')
    .option('--out <file>', 'write the token to this file (0600) instead of printing it')
    .action(run((fleet, flags) => fleet.batchCreateCommand(flags)));
  operatorCommand(batch, 'list', 'List batches: use, expiry, revocation (never tokens).').action(run((fleet, flags) => fleet.batchListCommand(flags)));
  operatorCommand(batch, 'revoke', 'Revoke a batch: its token activates nothing more.').argument('<name>').action(run((fleet, name, flags) => fleet.batchRevokeCommand(name, flags)));

  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  for (const command of all(root)) {
    command.exitOverride();
    if (command !== root) command.showHelpAfterError(`(see imago fleet ${command.name()} --help)`);
  }
  return root;
}
