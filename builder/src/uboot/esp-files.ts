/**
 * The files a U-Boot board's ESP carries besides the slots: the boot script
 * and both copies of the environment (contract/disk-layout.ts). Pure.
 *
 * ```ts
 * const files = ubootEspFiles(board, uboot, { epoch: 0 });
 * // { 'imago/boot.scr': ..., 'imago/uboot.env': copy 0 (flag 1), 'imago/uboot-redund.env': erased (0xff) }
 * ```
 */
import { encodeUbootEnvImage, ubootEnvFiles, ubootEnvFormat, ubootScriptFile } from '../../../contract/index.ts';
import { boardEnvFormat } from './env-format.ts';
import type { UbootBoard } from './boards.ts';
import { ubootBootScript, ubootEnvVars } from './boot-script.ts';
import type { BuiltUboot } from './build-uboot.ts';
import { scriptImage } from './script-image.ts';

export interface UbootEspOptions {
  /** SOURCE_DATE_EPOCH, the script image's time stamp. */
  epoch: number;
  /** Variables set on top of the fresh environment (tests arm a trial with them); "" deletes one. */
  vars?: Record<string, string>;
}

/**
 * The boot script image and the environment files: copy 0 valid with flag 1,
 * copy 1 erased so it loses, as `encodeUbootEnvImage` lays out a fresh
 * redundant area; U-Boot's first save and the init's first write go to copy 1.
 * Throws when the variables do not fit `ubootEnvFormat.size`.
 */
export function ubootEspFiles(board: UbootBoard, uboot: Pick<BuiltUboot, 'initialEnv'>, options: UbootEspOptions): Record<string, Uint8Array> {
  const vars = { ...ubootEnvVars(board, uboot.initialEnv), ...options.vars };
  const area = encodeUbootEnvImage(vars, boardEnvFormat(board));
  const [first, second] = ubootEnvFiles;
  return {
    [ubootScriptFile]: scriptImage(ubootBootScript(board), { arch: board.mkimageArch, time: options.epoch }),
    [first]: area.slice(0, ubootEnvFormat.size),
    [second]: area.slice(ubootEnvFormat.size),
  };
}
