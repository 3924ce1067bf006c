/**
 * The update section of the init's configuration, from the spec's `update:`,
 * `image_version` and services marked `critical`, plus the mount point of the
 * data partition in the tree. Pure.
 */
import { dataMount, dataPartName, espPartName, type InitConfig, type TrustedKey, type UpdateConfig } from '../../../contract/index.ts';
import { defaultCommitAfterMs, defaultCommitTimeoutMs, defaultTries, imageCompatible } from '../spec/update-defaults.ts';
import type { Spec } from '../spec/schema.ts';
import type { Tree } from '../tree/tree.ts';
import { fwEnvConfigFile, ubootFwEnvConfig } from '../uboot/fw-env-config.ts';

/** What the update section needs besides the spec: the target, the keys from `update.keys` and the bootloader. */
export interface UpdateInputs {
  arch: string;
  keys: TrustedKey[];
  /** What boots the target's raw disk (formats/raw/raw-boot.ts); U-Boot keeps the slot state in its environment. */
  bootloader?: 'grub' | 'uboot';
}

/**
 * Sets `config.update` and adds the /data mount point when the spec has
 * `update:`; on a U-Boot target also /etc/fw_env.config, which tells the init
 * to keep the slot state in U-Boot's environment instead of grubenv. It goes
 * into every image of the target, not only --format raw builds: the initrd is
 * what a bundle carries.
 */
export function addUpdateConfig(tree: Tree, spec: Spec, config: InitConfig, inputs: UpdateInputs | undefined): void {
  if (!spec.update || !inputs) return;
  tree.add({ path: dataMount, kind: 'dir', mode: 0o755 });
  if (inputs.bootloader === 'uboot') tree.add({ path: fwEnvConfigFile, kind: 'file', mode: 0o644, data: new TextEncoder().encode(ubootFwEnvConfig()) });
  const update: UpdateConfig = {
    version: spec.image_version ?? '0',
    arch: inputs.arch,
    compatible: imageCompatible(spec, inputs.arch),
    keys: inputs.keys.map((key) => ({ id: key.id, publicKey: key.publicKey })),
    critical: (spec.services ?? []).filter((service) => service.critical).map((service) => service.name),
    commitAfterMs: spec.update.commit_after ?? defaultCommitAfterMs,
    commitTimeoutMs: spec.update.commit_timeout ?? defaultCommitTimeoutMs,
    tries: spec.update.tries ?? defaultTries,
    espLabel: espPartName,
    dataLabel: dataPartName,
    dataMount,
  };
  config.update = update;
}
