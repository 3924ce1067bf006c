/**
 * The supervisor on a FakeSys: no processes and no real time. The test decides
 * when each process exits (FakeSys.childExits, then reapAll as the SIGCHLD handler
 * would) and moves the clock; every spawn, signal and exit is recorded with the
 * time it happened, so orders and delays can be asserted exactly.
 */
import test from 'ava';
import type { DependencyCondition, ServiceConfig } from '../../../contract/index.ts';
import { ModuleLoader } from '../boot/module-loader.ts';
import { Logger } from '../logs/logger.ts';
import { FakeSys } from '../sys/fake.ts';
import type { ExitStatus, SpawnRequest } from '../sys/sys.ts';
import { Cgroups } from './cgroups.ts';
import { Supervisor } from './supervisor.ts';

const crash: ExitStatus = { exited: true, code: 1 };
const clean: ExitStatus = { exited: true, code: 0 };

/** What happened to the fake processes, in order: "spawn db", "signal db 15", "exit db". */
type Event = { at: number; what: string };

/** A FakeSys that records spawns, signals and exits by service name, with the clock at each. */
class RecordingSys extends FakeSys {
  readonly events: Event[] = [];
  private readonly names = new Map<number, string>();

  override spawn(request: SpawnRequest): number {
    const pid = super.spawn(request);
    const name = request.command[0]!;
    this.names.set(pid, name);
    this.events.push({ at: this.now(), what: `spawn ${name}` });
    return pid;
  }
  override kill(pid: number, signal: number): void {
    if (this.processes.get(Math.abs(pid))?.running) this.events.push({ at: this.now(), what: `signal ${this.names.get(Math.abs(pid))} ${signal}` });
    super.kill(pid, signal);
  }
  override loadModule(path: string): void {
    this.events.push({ at: this.now(), what: `load ${path}` });
    super.loadModule(path);
  }
  override childExits(pid: number, status: ExitStatus): void {
    this.events.push({ at: this.now(), what: `exit ${this.names.get(pid)}` });
    super.childExits(pid, status);
  }
  /** The events as "what@ms" strings, optionally only those about `name`. */
  log(name?: string): string[] {
    return this.events.filter((e) => name === undefined || e.what.split(' ')[1] === name).map((e) => `${e.what}@${e.at}`);
  }
  spawns(name: string): number[] {
    return this.events.filter((e) => e.what === `spawn ${name}`).map((e) => e.at);
  }
}

/** A service config with test defaults; its command is its name, so records can say which service a process is. */
function service(name: string, changes: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    command: [name],
    env: [],
    workdir: '/',
    uid: 0,
    gid: 0,
    groups: [],
    umask: 0o022,
    type: 'simple',
    dependsOn: [],
    restart: 'always',
    backoff: { initialMs: 100, maxMs: 400, resetAfterMs: 10_000 },
    onFailed: 'stay',
    startTimeoutMs: 60_000,
    stopTimeoutMs: 1000,
    stopSignal: 'TERM',
    ...changes,
  };
}

const needs = (name: string, condition: DependencyCondition = 'ready') => ({ name, condition });
const fileProbe = (file: string) => ({ kind: 'file' as const, file, intervalMs: 100, timeoutMs: 1000 });

function setUp(configs: ServiceConfig[], options: { cgroups?: (sys: RecordingSys) => Cgroups; modules?: boolean } = {}) {
  const sys = new RecordingSys();
  const log = new Logger(sys);
  const reboots: string[] = [];
  const modules = options.modules ? new ModuleLoader(sys, log) : undefined;
  const supervisor = new Supervisor(sys, log, configs, { cgroups: options.cgroups?.(sys), modules, onReboot: (reason) => reboots.push(reason) });
  const pid = (name: string): number => {
    const process = sys.running(name).find((p) => p.request.command[0] === name);
    if (!process) throw new Error(`${name} is not running`);
    return process.pid;
  };
  return {
    sys,
    supervisor,
    reboots,
    pid,
    /** Ends the service's running process, and lets the supervisor reap it. */
    exit(name: string, status: ExitStatus): void {
      sys.childExits(pid(name), status);
      supervisor.reapAll();
    },
    state: (name: string) => supervisor.status().find((s) => s.name === name)?.state,
    initLog: () => log.recent('init', 1000).map((line) => line.text),
    /** Makes every service exit `ms` after any signal, as one that honours its stop signal would. */
    obeySignals(ms = 10): void {
      sys.onSignal = (pid, signal) =>
        sys.setTimeout(() => {
          sys.childExits(pid, { exited: false, signal });
          supervisor.reapAll();
        }, ms);
    },
    /** Moves the clock 1 ms at a time until `name` is spawned again; the ms that took, or undefined within `limit`. */
    async untilSpawn(name: string, limit = 2000): Promise<number | undefined> {
      const before = sys.spawns(name).length;
      const from = sys.now();
      await sys.advance(0);
      while (sys.spawns(name).length === before) {
        if (sys.now() - from >= limit) return undefined;
        await sys.advance(1);
      }
      return sys.now() - from;
    },
  };
}

test('services start in dependency order, not in declaration order', async (t) => {
  const { sys, supervisor } = setUp([service('web', { dependsOn: [needs('app', 'started')] }), service('app', { dependsOn: [needs('db', 'started')] }), service('db')]);
  supervisor.startAll();
  await sys.advance(0);
  t.deepEqual(sys.log(), ['spawn db@0', 'spawn app@0', 'spawn web@0']);
});

test('a dependant on a started dependency starts while the dependency is not yet ready', async (t) => {
  const { sys, supervisor, state } = setUp([service('app', { dependsOn: [needs('db', 'started')] }), service('db', { ready: fileProbe('/run/db.ready') })]);
  supervisor.startAll();
  await sys.advance(500);
  t.is(state('db'), 'starting');
  t.deepEqual(sys.log(), ['spawn db@0', 'spawn app@0']);
});

test('a dependant on a ready dependency waits for its ready probe to pass', async (t) => {
  const { sys, supervisor, state } = setUp([service('app', { dependsOn: [needs('db', 'ready')] }), service('db', { ready: fileProbe('/run/db.ready') })]);
  supervisor.startAll();
  await sys.advance(1000);
  t.is(state('db'), 'starting');
  t.is(state('app'), 'waiting');
  t.is(supervisor.status().find((s) => s.name === 'app')!.reason, 'waiting for db (ready)', 'the status says what it waits for');
  t.deepEqual(sys.log(), ['spawn db@0']);
  sys.files.put('/run/db.ready', '');
  await sys.advance(100);
  t.is(state('db'), 'running');
  t.deepEqual(sys.log(), ['spawn db@0', 'spawn app@1100'], 'app starts at the first probe that passes');
});

test('a dependant on a healthy dependency waits for a passing health check, not just readiness', async (t) => {
  const health = { ...fileProbe('/run/db.healthy'), retries: 100, startPeriodMs: 0 };
  const { sys, supervisor, state } = setUp([service('app', { dependsOn: [needs('db', 'healthy')] }), service('db', { health })]);
  supervisor.startAll();
  await sys.advance(1000);
  t.is(state('db'), 'running');
  t.is(state('app'), 'waiting');
  sys.files.put('/run/db.healthy', '');
  await sys.advance(100);
  t.deepEqual(sys.log(), ['spawn db@0', 'spawn app@1100']);
});

/** Counts how often `path` is checked: each check is one attempt of a file probe. */
function countChecks(sys: RecordingSys, path: string): () => number {
  let checks = 0;
  const exists = sys.exists.bind(sys);
  sys.exists = (p: string) => {
    if (p === path) checks++;
    return exists(p);
  };
  return () => checks;
}

test('a ready probe stops once the service is ready, when there is no health check', async (t) => {
  const { sys, supervisor, state } = setUp([service('db', { ready: fileProbe('/run/db.ready') })]);
  const checks = countChecks(sys, '/run/db.ready');
  supervisor.startAll();
  await sys.advance(350);
  t.is(state('db'), 'starting');
  t.true(checks() >= 3, 'the ready probe runs while the service is starting');
  sys.files.put('/run/db.ready', '');
  await sys.advance(100);
  t.is(state('db'), 'running');
  const atReady = checks();
  await sys.advance(10_000);
  t.is(checks(), atReady, 'no ready probe runs after ready');
});

test('once ready, the health check runs at once, then on its own interval, and the ready probe stops', async (t) => {
  const health = { ...fileProbe('/run/db.healthy'), intervalMs: 1000, retries: 100, startPeriodMs: 0 };
  const { sys, supervisor, state } = setUp([service('db', { ready: fileProbe('/run/db.ready'), health })]);
  const readyChecks = countChecks(sys, '/run/db.ready');
  const healthChecks = countChecks(sys, '/run/db.healthy');
  supervisor.startAll();
  sys.files.put('/run/db.ready', '');
  sys.files.put('/run/db.healthy', '');
  await sys.advance(0);
  t.is(state('db'), 'running');
  const atReady = readyChecks();
  await sys.advance(10_050);
  t.is(readyChecks(), atReady, 'no ready probe runs after ready');
  t.is(healthChecks(), 11, 'the health check runs as ready passes, then once a second');
});

test('without a ready probe, the first health check waits one interval after the start', async (t) => {
  const health = { ...fileProbe('/run/db.healthy'), intervalMs: 1000, retries: 100, startPeriodMs: 0 };
  const { sys, supervisor } = setUp([service('db', { health })]);
  const healthChecks = countChecks(sys, '/run/db.healthy');
  supervisor.startAll();
  sys.files.put('/run/db.healthy', '');
  await sys.advance(900);
  t.is(healthChecks(), 0, 'a service just started may not answer yet');
  await sys.advance(200);
  t.is(healthChecks(), 1);
});

test('a oneshot that exits 0 satisfies its dependants; until then they wait', async (t) => {
  const { sys, supervisor, state, exit } = setUp([service('app', { dependsOn: [needs('migrate')] }), service('migrate', { type: 'oneshot', restart: 'on-failure' })]);
  supervisor.startAll();
  await sys.advance(300);
  t.is(state('migrate'), 'starting');
  t.is(state('app'), 'waiting');
  exit('migrate', clean);
  await sys.advance(0);
  t.is(state('migrate'), 'exited');
  t.is(state('app'), 'running');
  t.deepEqual(sys.log(), ['spawn migrate@0', 'exit migrate@300', 'spawn app@300']);
});

test('a oneshot that fails does not satisfy its dependants', async (t) => {
  const { sys, supervisor, state, exit } = setUp([service('app', { dependsOn: [needs('migrate')] }), service('migrate', { type: 'oneshot', restart: 'never' })]);
  supervisor.startAll();
  exit('migrate', crash);
  await sys.advance(5000);
  t.is(state('migrate'), 'failed');
  t.is(state('app'), 'waiting');
  t.deepEqual(sys.spawns('app'), []);
});

test('a dependant on a healthy dependency is stopped while it is unhealthy, and starts again once it is healthy', async (t) => {
  const health = { ...fileProbe('/run/api.healthy'), retries: 1, startPeriodMs: 0 };
  const { sys, supervisor, state, obeySignals } = setUp([service('worker', { dependsOn: [needs('api', 'healthy')] }), service('api', { health })]);
  obeySignals(10);
  sys.files.put('/run/api.healthy', '');
  supervisor.startAll();
  await sys.advance(100);
  t.deepEqual(sys.log(), ['spawn api@0', 'spawn worker@100']);
  sys.files.remove('/run/api.healthy');
  await sys.advance(100);
  t.deepEqual(sys.log().slice(2), ['signal api 15@200', 'signal worker 15@200'], 'the failed check stops api, and worker with it');
  await sys.advance(10);
  t.is(state('worker'), 'waiting');
  sys.files.put('/run/api.healthy', '');
  await sys.advance(200);
  t.deepEqual(sys.log().slice(4), ['exit api@210', 'exit worker@210', 'spawn api@210', 'spawn worker@310']);
});

test('restart: always restarts after any exit, at once and then after doubling delays up to the cap', async (t) => {
  const { supervisor, exit, state, untilSpawn } = setUp([service('svc', { restart: 'always' })]);
  supervisor.startAll();
  const delays: (number | undefined)[] = [];
  for (const status of [crash, clean, crash, { exited: false, signal: 11 } as const, crash, crash]) {
    exit('svc', status);
    t.is(state('svc'), 'backoff');
    delays.push(await untilSpawn('svc'));
  }
  t.deepEqual(delays, [0, 100, 200, 400, 400, 400]);
  t.is(supervisor.status()[0]!.restarts, 6);
});

test('restart: on-failure restarts after a crash with backoff, and leaves a clean exit down', async (t) => {
  const { supervisor, exit, state, untilSpawn } = setUp([service('svc', { restart: 'on-failure' })]);
  supervisor.startAll();
  exit('svc', crash);
  t.is(await untilSpawn('svc'), 0);
  exit('svc', { exited: false, signal: 9 });
  t.is(await untilSpawn('svc'), 100);
  exit('svc', clean);
  t.is(state('svc'), 'exited');
  t.is(await untilSpawn('svc', 5000), undefined, 'not started again');
});

test('restart: never leaves a crashed service failed', async (t) => {
  const { supervisor, exit, state, untilSpawn, sys } = setUp([service('svc', { restart: 'never' })]);
  supervisor.startAll();
  exit('svc', crash);
  t.is(state('svc'), 'failed');
  t.is(await untilSpawn('svc', 5000), undefined);
  t.deepEqual(sys.log(), ['spawn svc@0', 'exit svc@0']);
});

test('a run longer than reset_after starts a new streak: the next restart is immediate again', async (t) => {
  const { sys, supervisor, exit, untilSpawn } = setUp([service('svc')]);
  supervisor.startAll();
  exit('svc', crash);
  t.is(await untilSpawn('svc'), 0);
  exit('svc', crash);
  t.is(await untilSpawn('svc'), 100);
  await sys.advance(10_000);
  exit('svc', crash);
  t.is(await untilSpawn('svc'), 0);
});

test('past its restart limit a service is failed and not started again; on_failed: reboot asks for a reboot', async (t) => {
  for (const onFailed of ['stay', 'reboot'] as const) {
    const { sys, supervisor, exit, state, untilSpawn, reboots, initLog } = setUp([service('svc', { restartLimit: 2, onFailed })]);
    supervisor.startAll();
    exit('svc', crash);
    t.is(await untilSpawn('svc'), 0);
    exit('svc', crash);
    t.is(await untilSpawn('svc'), 100);
    exit('svc', crash);
    t.is(state('svc'), 'failed', onFailed);
    t.is(await untilSpawn('svc', 5000), undefined, `${onFailed}: not started again`);
    t.is(sys.spawns('svc').length, 3, 'the first run and two restarts');
    t.true(initLog().includes('svc failed: exited (exit 1); gave up after 2 quick restarts'));
    t.deepEqual(reboots, onFailed === 'reboot' ? ['svc: exited (exit 1); gave up after 2 quick restarts'] : []);
  }
});

test('stop sends the stop signal to the process group, and the kill only after the stop timeout', async (t) => {
  const { sys, supervisor, exit, pid, state } = setUp([service('svc', { stopSignal: 'INT', stopTimeoutMs: 300 })]);
  supervisor.startAll();
  await sys.advance(50);
  const group = pid('svc');
  let down = false;
  void supervisor.stop('svc').then(() => (down = true));
  t.deepEqual(sys.processes.get(group)!.signals, [sys.signals.INT]);
  await sys.advance(299);
  t.deepEqual(sys.log(), ['spawn svc@0', 'signal svc 2@50'], 'no kill before the timeout');
  await sys.advance(1);
  t.deepEqual(sys.log(), ['spawn svc@0', 'signal svc 2@50', 'signal svc 9@350']);
  t.false(down, 'stop has not resolved while the process is alive');
  exit('svc', { exited: false, signal: 9 });
  await sys.advance(0);
  t.true(down);
  t.is(state('svc'), 'stopped');
  await sys.advance(5000);
  t.is(sys.spawns('svc').length, 1, 'a stopped service is not restarted');
});

test('a service that honours its stop signal is not killed', async (t) => {
  const { sys, supervisor, obeySignals } = setUp([service('svc', { stopTimeoutMs: 300 })]);
  obeySignals(10);
  supervisor.startAll();
  const stopped = supervisor.stop('svc');
  await sys.advance(1000);
  await stopped;
  t.deepEqual(sys.log(), ['spawn svc@0', 'signal svc 15@0', 'exit svc@10']);
});

test('with cgroups, the kill after the stop timeout goes to the whole cgroup', async (t) => {
  const { sys, supervisor, exit } = setUp([service('svc', { stopTimeoutMs: 300 })], {
    cgroups: (sys) => {
      sys.files.put('/cg/cgroup.controllers', 'cpu memory pids');
      return new Cgroups(sys, '/cg', (message) => t.fail(message));
    },
  });
  supervisor.startAll();
  t.is(sys.latest('svc')!.request.cgroup, '/cg/services/svc');
  void supervisor.stop('svc');
  await sys.advance(299);
  t.false(sys.files.exists('/cg/services/svc/cgroup.kill'));
  await sys.advance(1);
  t.is(sys.files.readText('/cg/services/svc/cgroup.kill'), '1');
  t.deepEqual(sys.log(), ['spawn svc@0', 'signal svc 15@0'], 'no KILL to the group: cgroup.kill covers it');
  exit('svc', { exited: false, signal: 9 });
});

test('stopAll stops dependants before their dependencies, each down before the next is signalled', async (t) => {
  const { sys, supervisor, obeySignals } = setUp([
    service('db'),
    service('web', { dependsOn: [needs('app')] }),
    service('app', { dependsOn: [needs('db'), needs('cache', 'started')] }),
    service('cache'),
  ]);
  supervisor.startAll();
  await sys.advance(100);
  obeySignals(10);
  const stopping = supervisor.stopAll();
  await sys.advance(1000);
  await stopping;
  const stops = sys.log().filter((e) => !e.startsWith('spawn')).map((e) => e.replace(/@.*/, ''));
  t.is(stops.length, 8);
  for (let i = 0; i < stops.length; i += 2) {
    const name = stops[i]!.split(' ')[1];
    t.deepEqual([stops[i], stops[i + 1]], [`signal ${name} 15`, `exit ${name}`], 'one at a time: signalled, then down');
  }
  const order = stops.filter((e) => e.startsWith('signal')).map((e) => e.split(' ')[1]);
  const before = (a: string, b: string) => t.true(order.indexOf(a) < order.indexOf(b), `${a} stops before ${b}: ${order.join(', ')}`);
  before('web', 'app');
  before('app', 'db');
  before('app', 'cache');
  t.true(supervisor.status().every((s) => s.state === 'stopped'));
});

const networkModules = ['llc', 'bridge'].map((name) => ({ name, path: `/lib/modules/test/${name}.ko` }));

test("a service's kernel modules load right before its first start, and not again when it restarts", async (t) => {
  const { sys, supervisor, exit, initLog } = setUp([service('publisher', { modules: networkModules, dependsOn: [needs('broker', 'started')] }), service('broker')], { modules: true });
  supervisor.startAll();
  await sys.advance(0);
  t.deepEqual(sys.log(), ['spawn broker@0', 'load /lib/modules/test/llc.ko@0', 'load /lib/modules/test/bridge.ko@0', 'spawn publisher@0'], 'the broker does not wait for them');
  exit('publisher', crash);
  await sys.advance(100);
  exit('publisher', crash);
  await sys.advance(200);
  t.is(sys.spawns('publisher').length, 3);
  t.is(sys.log().filter((line) => line.startsWith('load')).length, 2, 'loaded once, whatever the restarts');
  t.deepEqual(initLog().filter((line) => line.includes('kernel modules')), ['loaded 2 kernel modules for publisher']);
});

test('modules another service loaded already are not loaded again, and a service without modules loads none', async (t) => {
  const { sys, supervisor, initLog } = setUp([service('first', { modules: networkModules }), service('second', { modules: networkModules, dependsOn: [needs('first', 'started')] }), service('plain')], { modules: true });
  supervisor.startAll();
  await sys.advance(0);
  t.deepEqual(sys.log().filter((line) => line.startsWith('load')), ['load /lib/modules/test/llc.ko@0', 'load /lib/modules/test/bridge.ko@0']);
  t.deepEqual(sys.spawns('second'), [0]);
  t.deepEqual(initLog().filter((line) => line.includes('kernel modules')), ['loaded 2 kernel modules for first']);
});

test('without a module loader (the init is not PID 1) a service starts without loading its modules', async (t) => {
  const { sys, supervisor } = setUp([service('publisher', { modules: networkModules })]);
  supervisor.startAll();
  await sys.advance(0);
  t.deepEqual(sys.log(), ['spawn publisher@0']);
  t.deepEqual(sys.kernel, []);
});
