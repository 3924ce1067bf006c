/** U-Boot for the boards that boot through it (armv7, the MIPS targets): build, boot script, ESP files. */
export { ubootArches, ubootBoard, ubootBoards, type UbootBoard } from './boards.ts';
export { buildUboot, type BuildUbootOptions, type BuiltUboot } from './build-uboot.ts';
export { ubootAltBootCommand, ubootBootCommand, ubootBootScript, ubootConfigLines, ubootEnvVars, ubootPreboot } from './boot-script.ts';
export { ubootEspFiles, type UbootEspOptions } from './esp-files.ts';
export { boardEnvFormat } from './env-format.ts';
export { scriptImage } from './script-image.ts';
export { fwEnvConfigFile, ubootFwEnvConfig } from './fw-env-config.ts';
