/**
 * The `/etc/fw_env.config` of an image whose raw disk boots with U-Boot: it
 * names the two environment files on the ESP (contract/disk-layout.ts) where
 * the init mounts it, so the init (init/src/update/slot-store.ts) and
 * libubootenv's fw_printenv/fw_setenv, if a spec adds them, find the same
 * copies. Pure.
 *
 * ```ts
 * ubootFwEnvConfig();
 * // "# U-Boot's environment ...\n/run/imago/esp/imago/uboot.env 0x0 0x4000\n/run/imago/esp/imago/uboot-redund.env 0x0 0x4000\n"
 * ```
 */
import { espMount, ubootEnvFiles, ubootEnvFormat } from '../../../contract/index.ts';

/** Where the init and fw_setenv read the environment's location. */
export const fwEnvConfigFile = '/etc/fw_env.config';

/** The file's text: one `device offset size` line per copy, each a whole file on the ESP. */
export function ubootFwEnvConfig(): string {
  const size = `0x${ubootEnvFormat.size.toString(16)}`;
  const lines = ubootEnvFiles.map((file) => `${espMount}/${file} 0x0 ${size}`);
  return ["# U-Boot's environment: two copies as files on the ESP (CONFIG_ENV_IS_IN_FAT, redundant), written by imago's build", ...lines, ''].join('\n');
}
