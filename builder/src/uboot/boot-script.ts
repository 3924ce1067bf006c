/**
 * The A/B scheme in U-Boot's terms (docs/updates.md, "U-Boot boards"): the
 * boot script on the ESP, the commands built into U-Boot that run it, and the
 * environment the builder writes next to it. Pure.
 *
 * ```ts
 * const board = ubootBoard('armv7');
 * ubootConfigLines(board);                 // CONFIG_BOOTCOMMAND=..., CONFIG_PREBOOT=... (built in)
 * ubootBootScript(board);                  // imago/boot.scr's text
 * ubootEnvVars(board, initialEnvText);     // imago/uboot.env's variables
 * ```
 *
 * How a boot goes: preboot makes the disk readable and loads the environment
 * from the ESP; U-Boot counts the boot (`bootcount`, saved only while
 * `upgrade_available=1`); while `bootcount <= bootlimit` it runs `bootcmd`,
 * past it `altbootcmd`, which sets `imago_fallback=1` first. Both load and run
 * the boot script, which boots `imago_trial` (when set and not falling back),
 * else `imago_committed`; a slot whose files do not load falls through to
 * the committed one, as GRUB's script does.
 */
import { slotFiles, ubootScriptFile } from '../../../contract/index.ts';
import type { UbootBoard } from './boards.ts';

/** A slot's kernel, initrd and command line files, as bundles write them (contract/bundle-format.ts). */
const [kernelFile, initrdFile, cmdlineFile] = slotFiles;

/** `load <interface> 0:1`: the ESP is the disk's first partition (builder/src/formats/raw). */
function loadFrom(board: UbootBoard): string {
  return `load ${board.diskInterface} 0:1`;
}

/** The built-in `bootcmd`, and the environment's: load the boot script from the ESP and run it. */
export function ubootBootCommand(board: UbootBoard): string {
  return `${loadFrom(board)} ${board.addresses.script} ${ubootScriptFile} && source ${board.addresses.script}`;
}

/** `altbootcmd`: the same script, told to boot the committed slot. */
export const ubootAltBootCommand = 'setenv imago_fallback 1; run bootcmd';

/** `preboot`: make the disk readable, then load the environment from it (U-Boot's first try comes too early). */
export function ubootPreboot(board: UbootBoard): string {
  return [...board.prepareDisk, 'env load'].join('; ');
}

/** Kconfig string syntax: backslashes and double quotes escaped. */
function kconfigString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** The board's generated options, merged after the fragments: the default bootcmd and preboot. */
export function ubootConfigLines(board: UbootBoard): string {
  return `CONFIG_BOOTCOMMAND=${kconfigString(ubootBootCommand(board))}\nCONFIG_PREBOOT=${kconfigString(ubootPreboot(board))}\n`;
}

/** The command that starts the loaded kernel. */
function bootKernel(board: UbootBoard): string {
  const { kernel, initrd } = board.addresses;
  if (board.boot === 'bootz') return `bootz ${kernel} ${initrd}:\${imago_initrd_size} ${board.fdt ?? ''}`.trimEnd();
  return `bootm ${kernel} ${initrd}:\${imago_initrd_size}`;
}

/**
 * The boot script's text (`imago/boot.scr` holds it as a script image). The
 * slot's `cmdline` file becomes `bootargs` (its final newline dropped), with
 * `imago.slot=<slot>` added, as GRUB's boot.cfg does.
 */
export function ubootBootScript(board: UbootBoard): string {
  const load = loadFrom(board);
  const { cmdline, kernel, initrd } = board.addresses;
  return `# imago A/B boot for ${board.arch} (${board.defconfig}); made by builder/src/uboot/boot-script.ts
if test "\${imago_committed}" = B; then setenv imago_good B; else setenv imago_good A; fi
setenv imago_slots \${imago_good}
if test "\${imago_fallback}" != 1; then
  if test "\${imago_trial}" = A || test "\${imago_trial}" = B; then
    if test "\${imago_trial}" != "\${imago_good}"; then setenv imago_slots "\${imago_trial} \${imago_good}"; fi
  fi
fi
for imago_try in \${imago_slots}; do
  echo "imago: booting slot \${imago_try} (committed \${imago_good}, trial \${imago_trial}, bootcount \${bootcount}, bootlimit \${bootlimit})"
  if ${load} ${kernel} \${imago_try}/${kernelFile} && ${load} ${initrd} \${imago_try}/${initrdFile}; then
    setenv imago_initrd_size \${filesize}
    mw.b ${cmdline} 0 0x1000
    if ${load} ${cmdline} \${imago_try}/${cmdlineFile}; then
      setexpr imago_last ${cmdline} + \${filesize}
      setexpr imago_last \${imago_last} - 1
      if itest.b *\${imago_last} == 0x0a; then mw.b \${imago_last} 0; fi
      setexpr.s imago_cmdline *${cmdline}
      setenv bootargs "\${imago_cmdline} imago.slot=\${imago_try}${board.bootargs ? ` ${board.bootargs}` : ''}"
      ${bootKernel(board)}
    fi
  fi
  echo "imago: slot \${imago_try} did not boot"
done
`;
}

/**
 * Parses `u-boot-initial-env` (`make u-boot-initial-env`: the built-in
 * default environment, one `name=value` a line). Throws naming the line that
 * has no `=`.
 */
export function parseInitialEnv(text: string, file = 'u-boot-initial-env'): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`${file}:${index + 1}: expected name=value, got ${JSON.stringify(line)}`);
    vars[line.slice(0, at)] = line.slice(at + 1);
  }
  return vars;
}

/**
 * The environment a fresh disk carries: U-Boot's defaults (a saved
 * environment replaces them all, so they are kept), our boot commands, and
 * slot A committed with no trial.
 */
export function ubootEnvVars(board: UbootBoard, initialEnv: string): Record<string, string> {
  return {
    ...parseInitialEnv(initialEnv),
    bootcmd: ubootBootCommand(board),
    altbootcmd: ubootAltBootCommand,
    preboot: ubootPreboot(board),
    imago_committed: 'A',
  };
}
