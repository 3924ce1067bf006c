/**
 * The update section of the init's configuration, from the spec's `update:`,
 * `image_version` and services marked `critical`, plus the mount point of the
 * data partition in the tree. Pure.
 */
import type { InitConfig, UpdateConfig } from '../../../init/src/config.ts';
import type { TrustedKey } from '../../../init/src/update/bundle-format.ts';
import { dataMount, dataPartName, espPartName } from '../../../init/src/update/layout.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import type { Tree } from '../tree/tree.ts';

/** What the update section needs besides the spec: the target and the keys from `update.keys`. */
export interface UpdateInputs {
  arch: string;
  keys: TrustedKey[];
}

export const updateDefaults = { commitAfterMs: 60_000, commitTimeoutMs: 300_000, tries: 1 };

/**
 * Sets `config.update` and adds the /data mount point when the spec has
 * `update:`. Returns problems (none so far: critical services are checked by
 * the schema's service names).
 */
export function addUpdateConfig(tree: Tree, spec: Spec, config: InitConfig, inputs: UpdateInputs | undefined): UnlocatedProblem[] {
  if (!spec.update || !inputs) return [];
  tree.add({ path: dataMount, kind: 'dir', mode: 0o755 });
  const update: UpdateConfig = {
    version: spec.image_version ?? '0',
    arch: inputs.arch,
    keys: inputs.keys.map((key) => ({ id: key.id, publicKey: key.publicKey })),
    critical: (spec.services ?? []).filter((service) => service.critical).map((service) => service.name),
    commitAfterMs: spec.update.commit_after ?? updateDefaults.commitAfterMs,
    commitTimeoutMs: spec.update.commit_timeout ?? updateDefaults.commitTimeoutMs,
    tries: spec.update.tries ?? updateDefaults.tries,
    espLabel: espPartName,
    dataLabel: dataPartName,
    dataMount,
  };
  config.update = update;
  return [];
}
