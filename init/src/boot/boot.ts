/**
 * Everything PID 1 does before it supervises: give the root a mount of its own, mount the
 * system, read the config, load modules, set the hostname, bring up the
 * network, and make the root read-only.
 */
import { configPath, type InitConfig } from '../../../contract/index.ts';
import { readConfig } from '../read-config.ts';
import type { Logger } from '../logs/logger.ts';
import { bringUpLoopback, configureStatic } from '../net/network.ts';
import { reasonOf, type Sys } from '../sys/sys.ts';
import { applyMounts, bootMounts, sealRoot } from './mounts.ts';
import type { ModuleLoader } from './module-loader.ts';
import { applyRuntimeEntries } from './runtime-entries.ts';
import { runSync } from './run-sync.ts';
import { rootOnOwnMount } from './root-mount.ts';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Boots the system and returns the init's configuration. `modules` loads the
 * config's boot modules, and remembers them for the services' own (see
 * ModuleLoader). Throws when the config cannot be read: the caller's
 * emergency path.
 */
export function bootSystem(sys: Sys, log: Logger, modules: ModuleLoader): InitConfig {
  let ownMount = true;
  try {
    rootOnOwnMount(sys);
  } catch (error) {
    ownMount = false;
    log.warn(`${describe(error)}; staying on the initramfs root, where containers cannot start`);
  }
  applyMounts(sys, bootMounts, (message) => log.warn(message));
  if (ownMount) log.info('root file system on a mount of its own');
  for (const dir of ['/var/log', '/var/lib', '/var/tmp', '/var/cache', '/run/imago']) sys.mkdirs(dir);
  // Logs live in /var/log; /run/log is where tools (and the first tests) look too.
  try {
    sys.symlink('/var/log', '/run/log');
  } catch {
    // Already there (or /run is not writable): the logs are in /var/log either way.
  }

  const config = readConfig(sys, configPath);
  log.configure(config.logs);
  log.enableFiles('/var/log');
  log.info(`imago init: booting image ${config.image}`);
  applyRuntimeEntries(sys, config.runtimeEntries ?? [], (message) => log.warn(message));

  // Ctrl-Alt-Del then arrives as SIGINT (a clean reboot) instead of an instant reset.
  try {
    sys.catchCtrlAltDel();
  } catch {
    // An old kernel without it resets on Ctrl-Alt-Del, as it always did.
  }
  modules.load(config.modules);
  try {
    sys.setHostname(config.hostname);
  } catch (error) {
    log.warn(`unable to set the hostname: ${reasonOf(error)}`);
  }
  bringUpLoopback(sys, (message) => log.warn(message));
  configureStatic(sys, config.interfaces, (command) => runSync(sys, command), (message) => log.info(message));
  try {
    sealRoot(sys);
    log.info('root file system is read-only');
  } catch (error) {
    log.warn(describe(error));
  }
  return config;
}
