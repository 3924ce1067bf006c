/**
 * Where this device keeps its A/B slot state (contract/slots.ts), decided in
 * one place: GRUB's grubenv on the ESP, or U-Boot's environment where the
 * image has a `/etc/fw_env.config` (the builder writes one into images whose
 * raw disk boots with U-Boot; it names the two environment files on the ESP).
 * The agent (PID 1) and `imagoctl update` (apply.ts) read and write the state
 * only through this, so both follow the same bootloader.
 *
 * ```ts
 * const store = openSlotStore(sys);          // { bootloader: 'uboot', ... } on armv7 disks
 * const env = store.read();                  // undefined: the ESP is not mounted
 * store.write(commitTrial(env!, 'B'), warn); // the ESP is writable only for the write
 * ```
 *
 * Both stores write power-cut safely: grubenv is rewritten in place (its one
 * 1024-byte block), U-Boot's environment to the copy not in use with a higher
 * flag, as fw_setenv does (uboot-env-io.ts).
 */
import { decodeGrubenv, encodeGrubenv, espMount, grubenvFile, readSlotEnv, type SlotEnv, writeSlotEnv } from '../../../contract/index.ts';
import type { Sys } from '../sys/sys.ts';
import { withWritableEsp } from './esp-mount.ts';
import { rewriteInPlace } from './files.ts';
import { parseFwEnvConfig, type UbootEnvLocation } from './uboot-env-config.ts';
import { changeUbootEnv, fwEnvConfigPath, loadUbootEnv } from './uboot-env-io.ts';
import { readUbootSlotEnv, ubootSlotChanges } from './uboot-env-slots.ts';

export interface SlotStore {
  /** Which bootloader reads the state: in log lines and errors. */
  bootloader: 'grub' | 'uboot';
  /** The state, or undefined when its files cannot be read (the ESP is not mounted). Throws for a broken U-Boot environment. */
  read(): SlotEnv | undefined;
  /** Stores `state`, keeping every other variable; `warn` hears a failure to make the ESP read-only again. Throws when it cannot. */
  write(state: SlotEnv, warn: (line: string) => void): void;
}

function grubenvStore(sys: Sys): SlotStore {
  const path = `${espMount}/${grubenvFile}`;
  return {
    bootloader: 'grub',
    read() {
      const bytes = sys.readBytes(path);
      return bytes ? readSlotEnv(decodeGrubenv(bytes)) : undefined;
    },
    write(state, warn) {
      const current = decodeGrubenv(sys.readBytes(path) ?? new Uint8Array());
      withWritableEsp(sys, warn, () => rewriteInPlace(sys, path, encodeGrubenv(writeSlotEnv(current, state))));
    },
  };
}

function ubootStore(sys: Sys, location: UbootEnvLocation): SlotStore {
  // The ESP is mounted read-only (esp-mount.ts): a copy kept there needs it writable for the write.
  const onEsp = location.copies.some(({ path }) => path.startsWith(`${espMount}/`));
  return {
    bootloader: 'uboot',
    read() {
      if (!location.copies.every(({ path }) => sys.exists(path))) return undefined;
      return readUbootSlotEnv(loadUbootEnv(sys, location).vars);
    },
    write(state, warn) {
      const change = () => void changeUbootEnv(sys, location, ubootSlotChanges(state));
      if (onEsp) withWritableEsp(sys, warn, change);
      else change();
    },
  };
}

/**
 * The store this image uses: U-Boot's environment when `/etc/fw_env.config`
 * exists, else grubenv. Throws UbootEnvError naming the file, line and field
 * when the config does not parse.
 */
export function openSlotStore(sys: Sys): SlotStore {
  const config = sys.readText(fwEnvConfigPath);
  return config === undefined ? grubenvStore(sys) : ubootStore(sys, parseFwEnvConfig(config, fwEnvConfigPath));
}
