/**
 * imago's init, in three roles chosen by how it is run:
 *
 *   /init as PID 1      boots the system (boot/), then supervises services until shutdown
 *   init --config FILE  supervises only, as an ordinary process and child subreaper
 *                       (how the host integration tests run the real binary);
 *                       --log-dir DIR, --control SOCKET, --cgroup-root DIR and
 *                       --control-idle-timeout MS are optional
 *   imagoctl ...        the control client (the same binary under that name)
 *
 * As PID 1 it never exits: every callback is guarded, errors are logged and
 * the init carries on; a fatal boot error leads to the emergency path.
 */
import { configPath, type InitConfig } from '../../contract/index.ts';
import { readConfig } from './read-config.ts';
import { bootSystem } from './boot/boot.ts';
import { ModuleLoader } from './boot/module-loader.ts';
import { restoreClock } from './boot/clock.ts';
import { runSync } from './boot/run-sync.ts';
import { stateRoot } from './boot/state-plan.ts';
import { setUpState } from './boot/state-setup.ts';
import { emergency } from './boot/emergency.ts';
import { shutdown, type ShutdownKind } from './boot/shutdown.ts';
import { runCtl } from './control/client.ts';
import { defaultSocketPath } from './control/protocol.ts';
import { ControlServer } from './control/server.ts';
import { captureKmsg } from './logs/kmsg.ts';
import { defaultLogDir, Logger } from './logs/logger.ts';
import { Cgroups } from './supervisor/cgroups.ts';
import { Supervisor } from './supervisor/supervisor.ts';
import { quickjsSys as sys } from './sys/quickjs.ts';
import { reasonOf } from './sys/sys.ts';
import { UpdateAgent } from './update/agent.ts';

const isPid1 = sys.getpid() === 1;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function argument(name: string): string | undefined {
  const index = scriptArgs.indexOf(name);
  return index >= 0 ? scriptArgs[index + 1] : undefined;
}

function guard(log: Logger, action: () => void): void {
  try {
    action();
  } catch (error) {
    log.warn(describe(error));
  }
}

/** Stops everything and ends: as PID 1 with reboot(2), otherwise by exiting. */
function makeShutdown(log: Logger, supervisor: Supervisor): (kind: ShutdownKind) => void {
  let shuttingDown = false;
  return (kind) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (isPid1) {
      shutdown(sys, log, supervisor, kind).catch((error) => log.warn(describe(error)));
      return;
    }
    log.info(`stopping all services (${kind})`);
    supervisor
      .stopAll()
      .then(() => {
        log.info('all services stopped');
        sys.exit(0);
      })
      .catch((error) => log.warn(describe(error)));
  };
}

/** Wakes the loop for each signal through a signalfd, so none waits behind select(). */
function watchSignals(log: Logger, supervisor: Supervisor, stop: (kind: ShutdownKind) => void): void {
  // BusyBox init's convention, so BusyBox halt/poweroff/reboot work; outside PID 1, TERM and INT just end supervision.
  const actions = new Map<number, ShutdownKind | 'reap'>([
    [sys.signals.CHLD, 'reap'],
    [sys.signals.USR1, 'halt'],
    [sys.signals.USR2, 'poweroff'],
    [sys.signals.TERM, isPid1 ? 'reboot' : 'poweroff'],
    [sys.signals.INT, isPid1 ? 'reboot' : 'poweroff'],
  ]);
  const fd = sys.signalfd([...actions.keys()]);
  sys.onReadable(fd, () => {
    for (let signal = sys.readSignal(fd); signal !== undefined; signal = sys.readSignal(fd)) {
      const action = actions.get(signal);
      if (action === 'reap') guard(log, () => supervisor.reapAll());
      else if (action) guard(log, () => stop(action));
    }
  });
}

/** A console copy that can never block the init: its own non-blocking descriptor on /dev/console. */
function openConsole(log: Logger): void {
  let fd: number;
  try {
    fd = sys.openDevice('/dev/console', 'write');
  } catch (error) {
    return log.warn(`unable to open /dev/console: ${reasonOf(error)}`);
  }
  log.setConsole(fd);
}

function startKmsgCapture(log: Logger): void {
  let fd: number;
  try {
    fd = sys.openDevice('/dev/kmsg', 'read');
  } catch (error) {
    return log.warn(`unable to read /dev/kmsg: ${reasonOf(error)}`);
  }
  captureKmsg(sys, fd, (text) => log.line('kernel', text, { console: false }));
}

async function runOnboot(config: InitConfig, log: Logger, supervisor: Supervisor): Promise<void> {
  for (const task of config.onboot) {
    log.info(`onboot ${task.name}: running`);
    const status = await supervisor.runTask(task);
    if (status.exited && status.code === 0) log.info(`onboot ${task.name}: done`);
    else log.warn(`onboot ${task.name} failed (${status.exited ? `exit ${status.code}` : `signal ${status.signal}`}); continuing`);
  }
}

async function supervise(): Promise<void> {
  const log = new Logger(sys, 1, isPid1 ? 0 : sys.now());
  const modules = new ModuleLoader(sys, log);
  let config: InitConfig;
  try {
    if (isPid1) {
      config = bootSystem(sys, log, modules);
      openConsole(log);
      startKmsgCapture(log);
    } else {
      // Orphans of the services are reaped here; without it they go to the real PID 1.
      guard(log, () => sys.becomeSubreaper());
      config = readConfig(sys, argument('--config') ?? configPath);
      log.configure(config.logs);
      log.enableFiles(argument('--log-dir') ?? defaultLogDir);
    }
  } catch (error) {
    if (!isPid1) {
      log.info(`error: ${describe(error)}`);
      sys.exit(1);
    }
    emergency(sys, log, describe(error));
    return;
  }

  const cgroupRoot = isPid1 ? '/sys/fs/cgroup' : argument('--cgroup-root');
  const cgroups = cgroupRoot ? new Cgroups(sys, cgroupRoot, (message) => log.warn(message)) : undefined;
  let stop: (kind: ShutdownKind) => void = () => {};
  // Only PID 1 loads services' modules, as only PID 1 loads the boot ones: otherwise the init supervises on a kernel it did not boot.
  const supervisor = new Supervisor(sys, log, config.services, { cgroups, modules: isPid1 ? modules : undefined, onReboot: () => stop('reboot') });
  stop = makeShutdown(log, supervisor);
  watchSignals(log, supervisor, stop);

  // A/B updates: mount the ESP and /data before anything runs, settle a rollback, and watch a trial.
  const updates = isPid1 && config.update ? new UpdateAgent(sys, log, config.update) : undefined;
  updates?.boot();
  // Before anything that checks a certificate or stamps a file: the clock must not be behind the last time the device knew.
  if (isPid1) restoreClock(sys, log);
  // After /data is mounted (state kept there survives reboots), before anything that reads it (sshd's host keys) runs.
  if (isPid1 && config.state) setUpState(sys, config.state, stateRoot(sys.readText('/proc/self/mounts') ?? '', config.update?.dataMount), (argv) => runSync(sys, argv), log);

  const bootMs = sys.now();
  const socket = argument('--control') ?? defaultSocketPath;
  try {
    new ControlServer(sys, socket, {
      status: () => ({ image: config.image, hostname: config.hostname, uptime: Math.round((sys.now() - (isPid1 ? 0 : bootMs)) / 1000), services: supervisor.status(), dropped: log.dropped(), update: updates?.status() }),
      activate: updates && ((slot) => updates.activate(slot)),
      logs: (service, lines) => (supervisor.has(service) || service === 'init' || service === 'kernel' ? log.recent(service, lines) : undefined),
      follow: (service, listener) => log.follow(service, listener),
      control: async (command, service) => {
        if (!supervisor.has(service)) return false;
        if (command === 'stop') await supervisor.stop(service);
        else if (command === 'start') supervisor.start(service);
        else supervisor.restart(service);
        return true;
      },
      shutdown: (kind) => stop(kind),
    }, (message) => log.warn(message), { idleTimeoutMs: Number(argument('--control-idle-timeout')) || undefined }, config.control);
  } catch (error) {
    log.warn(`no control socket: ${describe(error)}`);
  }

  await runOnboot(config, log, supervisor);
  let announced = false;
  supervisor.watch(() => {
    if (announced || !supervisor.allSettled()) return;
    announced = true;
    log.info(`ready: ${config.services.length} services started`);
  });
  supervisor.startAll();
  updates?.watch(() => supervisor.status(), () => stop('reboot'));
}

const invokedAs = (scriptArgs[0] ?? '').split('/').pop();
if (invokedAs === 'imagoctl') runCtl(sys, scriptArgs.slice(1));
else
  supervise().catch((error) => {
    try {
      sys.write(2, `init: error: ${describe(error)}\n`);
    } catch {
      // No stderr left to tell.
    }
  });
