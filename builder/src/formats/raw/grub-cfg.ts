/**
 * GRUB's scripts for the A/B scheme. Pure.
 *
 * `grub.cfg` is embedded in the GRUB EFI binary: it finds the ESP by its FAT
 * volume id, reads /imago/grubenv, and boots the committed slot, or the trial
 * slot while it has tries left (decremented and saved before each trial boot,
 * so a trial that never reaches the init still uses up its tries). GRUB has no
 * arithmetic: the decrement is a chain of string comparisons up to `maxTries`.
 * If a slot's files cannot be loaded, it falls through to the committed slot.
 *
 * Each slot has its own `boot.cfg` (contract/boot-cfg.ts).
 */
export { slotBootConfig } from '../../../../contract/index.ts';

/** The largest `update.tries` the script can count down. */
export const maxTries = 3;

/** The embedded early configuration: run the real script from the memdisk. */
export const earlyConfig = 'set root=(memdisk)\nset prefix=($root)/boot/grub\n';

/**
 * GRUB's output on the first serial port as well as the screen. UEFI firmware
 * already copies its console to the serial port; a PC BIOS does not, and a
 * headless box (or QEMU without a display) would show nothing of the boot.
 */
const serialConsole = 'serial --unit=0 --speed=115200\nterminal_input serial console\nterminal_output serial console\n';

/**
 * The main script, for an ESP with FAT volume id `volumeId` (8 hex digits);
 * `serial` adds GRUB's own serial console (BIOS targets).
 */
export function grubConfig(volumeId: string, options: { serial?: boolean } = {}): string {
  const uuid = `${volumeId.slice(0, 4)}-${volumeId.slice(4)}`;
  const countdown = Array.from({ length: maxTries }, (_, i) => maxTries - i)
    .map((n, i) => `  ${i === 0 ? 'if' : 'elif'} [ "$imago_tries" = "${n}" ]; then\n    set imago_tries=${n - 1}\n    set slot=$imago_trial`)
    .join('\n');
  return `# imago A/B boot with boot counting; see builder/src/formats/raw/grub-cfg.ts
${options.serial ? serialConsole : ''}set timeout=0
search --no-floppy --fs-uuid --set=esp ${uuid}
set root=$esp
set envfile=($esp)/imago/grubenv
load_env --file $envfile imago_committed imago_trial imago_tries
if [ "$imago_committed" != "B" ]; then set imago_committed=A; fi
set slot=$imago_committed
if [ -n "$imago_trial" ]; then
${countdown}
  fi
  save_env --file $envfile imago_tries
fi
echo "imago: booting slot $slot (committed $imago_committed, trial $imago_trial, tries left $imago_tries)"
source /$slot/boot.cfg
boot
echo "imago: slot $slot did not boot; falling back to slot $imago_committed"
source /$imago_committed/boot.cfg
boot
`;
}
