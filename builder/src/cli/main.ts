#!/usr/bin/env node
/**
 * The `imago` command. The only place that prints results and sets the exit
 * code: commands throw, and this file turns errors into messages.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { compressions, defaultCompression } from '../archive/compress.ts';
import { ImagoError, SpecError } from '../errors.ts';
import { targetNames } from '../../../targets/index.ts';
import { buildCommand } from './commands/build.ts';
import { runCommand } from './commands/run.ts';
import { flashCommand } from './commands/flash.ts';
import { schemaCommand } from './commands/schema.ts';
import { validateCommand } from './commands/validate.ts';
import { bundleCommand, keygenCommand, verifyCommand } from './commands/keys.ts';
import { addFleetCommand } from './commands/fleet.ts';
import { formatHelp, formatNames } from '../formats/registry.ts';
import { skippableSuites } from '../debian/suite-selection.ts';

/** Parses `HOST:GUEST` port forwards. */
function parseForward(value: string, previous: string[] = []): string[] {
  if (!/^\d{1,5}:\d{1,5}$/.test(value)) throw new InvalidArgumentError(`expected HOST:GUEST ports such as 8080:80, got "${value}"`);
  return [...previous, value];
}

/** Collects `--skip-suite` values, each one of the suites a build can do without. */
function parseSkipSuite(value: string, previous: string[] = []): string[] {
  if (!(skippableSuites as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${skippableSuites.join(', ')}, got "${value}"`);
  return [...previous, value];
}

const skipSuiteHelp = `leave a Debian suite out of apt's sources (repeatable; ${skippableSuites.join(' or ')}), e.g. while the mirror syncs it; warned about and recorded in manifest.json`;

/** Parses `--memory`: a positive whole number of MiB. */
function parseMemory(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError(`expected a positive whole number of MiB such as 512, got "${value}"`);
  return Number.parseInt(value, 10);
}

/**
 * Exit codes by error code. A mistake in what the user wrote (spec or command
 * line) is 2; anything else the user can act on (a failed download, a missing
 * tool, QEMU) is 1. Bugs in imago are 70 (EX_SOFTWARE), see report().
 */
const exitCodes: Record<string, number> = { E_SPEC: 2, E_USAGE: 2, E_QEMU_OPTION: 2 };

/** The subcommand being run, so a usage error can point at its --help. */
let running = '';

/** The version users see is package.json's, so a release is numbered in one place. */
const packageVersion: string = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;

const program = new Command('imago')
  .version(packageVersion, '-V, --version', 'print the version of imago')
  .description('Build immutable, all-in-memory Linux images from a YAML spec, and boot them in QEMU.')
  .showHelpAfterError('(see imago --help)')
  .configureHelp({ sortSubcommands: false })
  .hook('preAction', (_program, command) => {
    running = command.name();
  });

program
  .command('build')
  .description('Build the images a spec describes into OUT/<arch>/{kernel,initrd.img,cmdline,manifest.json}.')
  .argument('<spec>', 'the image spec (YAML)')
  .option('-o, --out <dir>', 'output folder', 'out')
  .addOption(new Option('-a, --arch <arch...>', `architectures to build (overrides the spec's arch); all: every one, in parallel`).choices([...targetNames, 'all']))
  .addOption(new Option('--compression <method>', 'initramfs compression (lz4: the kernel unpacks it fastest; xz: smallest)').choices(compressions).default(defaultCompression))
  .addOption(new Option('--format <format...>', 'output formats besides kernel+initrd (see below)').choices(formatNames))
  .option('--skip-suite <suite>', skipSuiteHelp, parseSkipSuite)
  .addHelpText('after', `\nFormats:\n${formatHelp()}\n`)
  .addHelpText('after', '\nSOURCE_DATE_EPOCH sets the timestamp of every file (default 0). Downloads and compiled\nparts are cached in $XDG_CACHE_HOME/imago (or $IMAGO_CACHE).')
  .action(buildCommand);

program
  .command('keygen')
  .description('Make an Ed25519 key pair for signing update bundles: NAME.key (private) and NAME.pub (for the spec\'s update.keys).')
  .argument('<name>', 'file name without extension')
  .action(keygenCommand);

program
  .command('bundle')
  .description('Make a signed update bundle from a build output folder (out/<arch>).')
  .argument('<image>', 'a built image folder, e.g. out/x86_64')
  .requiredOption('-k, --key <file>', 'the private key (from imago keygen)')
  .requiredOption('-o, --out <file>', 'the bundle file to write')
  .action(bundleCommand);

program
  .command('verify')
  .description('Check a bundle as a device would: trusted signature, complete, every file\'s sha256; optionally arch, compatible name and version.')
  .argument('<bundle>', 'the bundle file')
  .requiredOption('-k, --key <file...>', 'trusted public keys')
  .option('--arch <arch>', 'refuse a bundle for another architecture')
  .option('--running <version>', 'refuse a bundle that is not newer than this version')
  .option('--compatible <name>', "refuse a bundle for images of another compatible name (the device's update.compatible)")
  .action(verifyCommand);

program
  .command('validate')
  .description('Check a spec and print every problem as FILE:LINE:COL: path: message.')
  .argument('<spec...>', 'one or more image specs')
  .action(validateCommand);

program
  .command('schema')
  .description('Print the JSON Schema of the spec format (for editors and CI).')
  .action(schemaCommand);

program
  .command('run')
  .description('Boot an image in QEMU with its serial console on this terminal (Ctrl-A X quits). A spec is built first.')
  .argument('<image>', 'a built image folder (out/x86_64), a spec (images/minimal.yml) or a disk image (out/x86_64/disk.img)')
  .option('-o, --out <dir>', 'output folder when building a spec', 'out')
  .addOption(new Option('-a, --arch <arch>', 'architecture to boot when given a spec').choices(targetNames))
  .option('-f, --forward <host:guest>', 'forward a host TCP port to the guest (repeatable)', parseForward)
  .option('-m, --memory <MiB>', 'guest memory in MiB', parseMemory)
  .option('--append <args>', 'extra kernel command line for this boot (e.g. imago.debug)')
  .option('--skip-suite <suite>', `when building a spec: ${skipSuiteHelp}`, parseSkipSuite)
  .option('--disk', 'boot the flashable disk.img through its firmware (UEFI, the BIOS on i386, U-Boot on armv7; a spec is built with --format raw), as a device would')
  .action(runCommand);

program
  .command('flash')
  .description('Write a disk image (imago build --format raw) to a card, disk or file, then read it back and compare sha256.')
  .argument('<image>', 'the disk image, e.g. out/armv7/disk.img')
  .argument('<device>', 'a whole block device (/dev/sdX, /dev/mmcblkN) or an existing file standing in for a card')
  .option('-y, --yes', 'write without asking (scripts); without it imago asks on the terminal')
  .option('--no-verify', 'skip reading the written range back')
  .addHelpText('after', '\nRefuses a device that is mounted, used as swap or by LVM/RAID, the disk this host runs from,\na partition, and a device smaller than the image.\n')
  .action(flashCommand);

addFleetCommand(program);

// Commander's own parse errors (unknown option, bad choice) are usage errors
// too: it prints the message and the hint; we only set the exit code. Errors
// name the subcommand's --help rather than reprinting all of it.
for (const command of [program, ...program.commands]) {
  command.exitOverride();
  if (command !== program) command.showHelpAfterError(`(see imago ${command.name()} --help)`);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}

/** Prints an error the way a user can act on it and returns the exit code. */
function report(error: unknown): number {
  // Commander printed it already. Help or the version asked for is a success;
  // help shown for a bare `imago` is a usage error like any other.
  if (error instanceof CommanderError) {
    if (error.code === 'commander.version' || error.code.startsWith('commander.help')) return error.exitCode === 0 ? 0 : 2;
    return 2;
  }
  if (error instanceof SpecError) {
    process.stderr.write(`${error.message}\n${error.problems.length} problem(s); nothing was written.\n`);
    return 2;
  }
  if (error instanceof ImagoError) {
    const code = exitCodes[error.code] ?? 1;
    const hint = code === 2 ? `\n(see imago ${running ? `${running} ` : ''}--help)` : '';
    process.stderr.write(`imago: error: ${error.message}${hint}\n`);
    return code;
  }
  process.stderr.write(`imago: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 70;
}
