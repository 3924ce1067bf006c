/**
 * imago's init. As PID 1 it moves the root onto tmpfs, mounts the system, loads
 * modules, sets the hostname, brings up the network, runs onboot tasks and then
 * supervises services until a shutdown signal arrives. As an ordinary process
 * (`init --config FILE [--log-dir DIR]`) it only supervises, which is how the
 * host integration tests run the real binary.
 *
 * It never exits as PID 1: every callback is guarded, errors are logged and the
 * init carries on; a fatal boot error leads to the emergency path.
 */
import * as std from 'std';
import * as native from 'imago:native';
import { configPath, configVersion, type InitConfig } from './config.ts';
import { applyMounts, bootMounts, sealRoot } from './boot/mounts.ts';
import { emergency } from './boot/emergency.ts';
import { loadModules } from './boot/modules.ts';
import { moveRootToTmpfs, rootAlreadyMoved } from './boot/switch-root.ts';
import { runSync } from './boot/run-sync.ts';
import { shutdown, type ShutdownKind } from './boot/shutdown.ts';
import { Logger } from './logs/logger.ts';
import { bringUpLoopback, configureStatic } from './net/network.ts';
import { Supervisor } from './supervisor/supervisor.ts';
import { quickjsSys as sys } from './sys/quickjs.ts';

const isPid1 = native.getpid() === 1;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readConfig(path: string): InitConfig {
  const text = sys.readText(path);
  if (text === undefined) throw new Error(`unable to read ${path}`);
  const config = JSON.parse(text) as InitConfig;
  if (config.version !== configVersion) throw new Error(`${path}: config version ${config.version}, this init reads ${configVersion}`);
  return config;
}

function argument(name: string): string | undefined {
  const index = scriptArgs.indexOf(name);
  return index >= 0 ? scriptArgs[index + 1] : undefined;
}

/** Wakes the loop for each signal through a signalfd, so none waits behind select(). */
function watchSignals(log: Logger, supervisor: Supervisor): void {
  const actions = new Map<number, ShutdownKind | 'reap'>([
    [native.SIGCHLD, 'reap'],
    [native.SIGUSR1, 'halt'],
    [native.SIGUSR2, 'poweroff'],
    [native.SIGTERM, 'reboot'],
    [native.SIGINT, 'reboot'],
  ]);
  // Outside PID 1, TERM and INT mean "stop supervising and exit", like any daemon.
  if (!isPid1) {
    actions.set(native.SIGTERM, 'poweroff');
    actions.set(native.SIGINT, 'poweroff');
  }
  const fd = native.signalfd([...actions.keys()]);
  if (fd < 0) throw new Error(`unable to create a signalfd: ${native.strerror(-fd)}`);
  let shuttingDown = false;
  sys.onReadable(fd, () => {
    for (let signal = native.readSignal(fd); signal > 0; signal = native.readSignal(fd)) {
      const action = actions.get(signal);
      if (action === 'reap') {
        guard(log, () => supervisor.reapAll());
      } else if (action && !shuttingDown) {
        shuttingDown = true;
        if (isPid1) {
          shutdown(sys, log, supervisor, action).catch((error) => log.warn(describe(error)));
        } else {
          supervisor
            .stopAll()
            .then(() => std.exit(0))
            .catch((error) => log.warn(describe(error)));
        }
      }
    }
  });
}

function guard(log: Logger, action: () => void): void {
  try {
    action();
  } catch (error) {
    log.warn(describe(error));
  }
}

async function runOnboot(config: InitConfig, log: Logger, supervisor: Supervisor): Promise<void> {
  for (const task of config.onboot) {
    log.info(`onboot ${task.name}: running`);
    const status = await supervisor.runTask(task);
    const ok = status.exited && status.code === 0;
    if (ok) log.info(`onboot ${task.name}: done`);
    else log.warn(`onboot ${task.name} failed (${status.exited ? `exit ${status.code}` : `signal ${status.signal}`}); continuing`);
  }
}

/** Everything PID 1 does before supervising; returns the config. */
function bootSystem(log: Logger): InitConfig {
  if (!rootAlreadyMoved()) {
    try {
      moveRootToTmpfs(sys, (command) => runSync(command));
    } catch (error) {
      log.warn(`${describe(error)}; staying on the initramfs root`);
    }
  }
  applyMounts(sys, bootMounts, (message) => log.warn(message));
  if (rootAlreadyMoved()) log.info('root file system moved to tmpfs');
  log.enableFiles();
  for (const dir of ['/var/log', '/var/lib', '/var/tmp', '/var/cache', '/run/imago']) sys.mkdirs(dir);
  const config = readConfig(configPath);
  log.info(`imago init: booting image ${config.image}`);
  // Ctrl-Alt-Del then arrives as SIGINT (a clean reboot) instead of an instant reset.
  native.reboot(0);
  loadModules(config.modules, (message) => log.info(message));
  const hostResult = native.sethostname(config.hostname);
  if (hostResult < 0) log.warn(`unable to set the hostname: ${native.strerror(-hostResult)}`);
  bringUpLoopback((message) => log.warn(message));
  configureStatic(sys, config.interfaces, (command) => runSync(command), (message) => log.info(message));
  try {
    sealRoot();
    log.info('root file system is read-only');
  } catch (error) {
    log.warn(describe(error));
  }
  return config;
}

async function main(): Promise<void> {
  const log = new Logger(sys, 1, isPid1 ? 0 : sys.now());
  let config: InitConfig;
  try {
    if (isPid1) {
      config = bootSystem(log);
    } else {
      native.setChildSubreaper(true);
      config = readConfig(argument('--config') ?? configPath);
      log.enableFiles(argument('--log-dir'));
    }
  } catch (error) {
    if (!isPid1) {
      log.info(`error: ${describe(error)}`);
      std.exit(1);
    }
    emergency(sys, log, describe(error));
    return;
  }

  const supervisor = new Supervisor(sys, log, config.services, { term: native.SIGTERM, kill: native.SIGKILL });
  watchSignals(log, supervisor);
  await runOnboot(config, log, supervisor);
  let announced = false;
  supervisor.watch(() => {
    if (announced || !supervisor.allStarted()) return;
    announced = true;
    log.info(`ready: ${config.services.length} services started`);
  });
  supervisor.startAll();
}

main().catch((error) => std.err.puts(`init: error: ${describe(error)}\n`));
