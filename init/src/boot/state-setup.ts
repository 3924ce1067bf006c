/**
 * Makes the spec's `state:` folders writable and per device, after the data
 * partition is mounted and before onboot tasks and services run:
 *
 *   first boot (no marker):  create the state folder, copy the image's content
 *                            of the path into it, bind-mount it over the path,
 *                            run `generate` there, sync, write the marker, sync
 *   later boots:             bind-mount the state folder over the path
 *
 * A failed copy leaves the image's read-only folder in place; a failed
 * generate leaves the folder mounted without a marker, so the next boot copies
 * and generates again (ssh-keygen -A only makes the keys still missing).
 *
 *   setUpState(sys, config.state, stateRoot(mounts, '/data'), (argv) => runSync(sys, argv), log);
 */
import type { StateConfig } from '../../../contract/index.ts';
import { reasonOf, type Sys } from '../sys/sys.ts';
import { stateLocations } from './state-plan.ts';

export interface StateLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Runs a command to completion and returns its exit code (runSync at boot). */
export type RunCommand = (argv: string[]) => number;

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** Sets up every entry in order; one entry's failure is logged and does not stop the others. */
export function setUpState(sys: Sys, entries: readonly StateConfig[], root: string, run: RunCommand, log: StateLog): void {
  for (const entry of entries) {
    try {
      setUpEntry(sys, entry, root, run, log);
    } catch (error) {
      log.warn(`state ${entry.path}: ${reasonOf(error)}; it stays read-only from the image`);
    }
  }
}

function setUpEntry(sys: Sys, entry: StateConfig, root: string, run: RunCommand, log: StateLog): void {
  const { folder, marker } = stateLocations(root, entry.path);
  const bind = () => sys.mount(folder, entry.path, '', ['bind'], '');
  if (sys.exists(marker)) {
    bind();
    log.info(`state ${entry.path}: ${folder} mounted`);
    return;
  }
  // The state root holds private keys: only root may look inside (the bind mounts are what others see).
  sys.mkdirs(root, 0o700);
  sys.mkdirs(folder, 0o755);
  // cp -a keeps modes, owners and links of what the packages ship there (sshd_config, moduli).
  const copied = run(['/bin/busybox', 'cp', '-a', `${entry.path}/.`, `${folder}/`]);
  if (copied !== 0) throw new Error(`unable to copy the image's ${entry.path} into ${folder} (cp exit ${copied})`);
  bind();
  if (entry.generate) {
    const code = run(entry.generate);
    if (code !== 0) {
      log.warn(`state ${entry.path}: generate ${JSON.stringify(entry.generate.join(' '))} failed (exit ${code}); it runs again at the next boot`);
      return;
    }
  }
  // The marker only after the generated files are on the disk: a power cut in between means generating again, not keeping half a key.
  sys.sync();
  sys.mkdirs(parentOf(marker), 0o700);
  sys.writeText(marker, `${entry.path}\n`, 0o600);
  sys.sync();
  log.info(`state ${entry.path}: ${entry.generate ? 'generated' : 'created'} in ${folder} and mounted`);
}
