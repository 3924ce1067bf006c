/**
 * imago-agent: the device's fleet agent, a service the init supervises (never
 * PID 1). Waits for a trustworthy clock, activates or reuses its identity,
 * then long-polls the fleet server and runs its commands through the init's
 * control socket. Logs one line per step to stdout, which the init keeps.
 *
 * Options (for host tests): --config FILE, --control SOCKET, --clock-file FILE,
 * --log-dir DIR (where the init writes service logs, default /var/log).
 */
import { fleetAgentConfigPath } from '../../../contract/index.ts';
import type { DeviceStatus } from '../../../contract/index.ts';
import { defaultSocketPath, type StatusResult } from '../control/protocol.ts';
import { quickjsSys } from '../sys/quickjs.ts';
import type { Sys } from '../sys/sys.ts';
import { activate } from './activation.ts';
import { ipv4FromFibTrie, ipv6FromIfInet6 } from './addresses.ts';
import { clockSetMarker, waitForClock } from './clock.ts';
import { CommandRunner } from './commands.ts';
import { parseAgentConfig } from './config.ts';
import { controlClient } from './control-client.ts';
import { defaultLogDir } from './log-history.ts';
import type { AgentDeps } from './deps.ts';
import { loadIdentity, type Identity } from './identity.ts';
import { bundleInstaller } from './installer.ts';
import { pollLoop } from './poll-loop.ts';
import { deviceStatus } from './status.ts';
import { tlsTransport } from './tls-connection.ts';
import { quickjsCrypto, quickjsTls } from './tls-quickjs.ts';
import { readPendingUpdate, updateOutcome, pendingUpdateFile } from './update-outcome.ts';

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function run(sys: Sys, args: readonly string[]): Promise<void> {
  const log = (text: string) => sys.write(1, `imago-agent: ${text}\n`);
  const deps: AgentDeps = {
    files: sys,
    wallClock: () => sys.wallClock(),
    sleep: (ms) => new Promise((resolve) => sys.setTimeout(resolve, ms)),
    log,
    random: Math.random,
  };
  const configFile = option(args, '--config') ?? fleetAgentConfigPath;
  const config = parseAgentConfig(sys.readText(configFile), configFile);
  const ca = sys.readText(config.caFile);
  if (ca === undefined) throw new Error(`${configFile}: caFile: cannot read ${config.caFile}`);
  const token = sys.readText(config.tokenFile)?.trim();
  if (!token) throw new Error(`${configFile}: tokenFile: ${config.tokenFile} is missing or empty`);
  const server = `${config.server.host}:${config.server.port}`;
  log(`fleet server ${server}, identity ${config.identity} in ${config.stateDir}`);

  await waitForClock(deps, option(args, '--clock-file') ?? clockSetMarker, quickjsCrypto.certificateInfo(ca).notBefore);
  const transport = tlsTransport(sys, quickjsTls, config.server, ca);
  const control = controlClient(sys, option(args, '--control') ?? defaultSocketPath);
  const initStatus = () => control.request({ command: 'status' }) as Promise<StatusResult>;

  let identity: Identity;
  const stored = loadIdentity(sys, quickjsCrypto, config.stateDir, ca);
  if ('problem' in stored) {
    log(`activating with ${server} (${stored.problem})`);
    const init = await initStatus().catch(() => undefined);
    identity = await activate(deps, quickjsCrypto, transport, {
      stateDir: config.stateDir,
      ca,
      token,
      request: { arch: config.arch, image: config.image, version: init?.update?.version ?? config.version, ...(init ? { hostname: init.hostname } : {}) },
    });
    log(`activated as ${identity.deviceId}`);
  } else {
    identity = stored;
    log(`using the stored identity ${identity.deviceId}`);
  }

  const client = { cert: identity.cert, key: identity.key };
  const runner = new CommandRunner({
    deps,
    control,
    transport,
    identity: client,
    installer: bundleInstaller(sys, transport, client),
    timers: { setTimeout: (callback, ms) => sys.setTimeout(callback, ms), clearTimeout: (handle) => sys.clearTimeout(handle as ReturnType<Sys['setTimeout']>) },
    stateDir: config.stateDir,
    logDir: option(args, '--log-dir') ?? defaultLogDir,
  });
  let pending = readPendingUpdate(sys, config.stateDir);
  const addresses = () => [...ipv4FromFibTrie(sys.readText('/proc/net/fib_trie') ?? ''), ...ipv6FromIfInet6(sys.readText('/proc/net/if_inet6') ?? '')];
  let lastInit: StatusResult | undefined;
  await pollLoop({
    deps,
    transport,
    identity: client,
    runner,
    waitSeconds: config.pollWaitSeconds,
    serverName: server,
    status: async (): Promise<DeviceStatus> => {
      lastInit = await initStatus();
      return deviceStatus({ init: lastInit, image: config.image, version: config.version, arch: config.arch, addresses: addresses(), time: sys.wallClock() });
    },
    outcomePending: () => pending !== undefined,
    outcomes: () => {
      if (!pending || !lastInit) return;
      const result = updateOutcome(pending, lastInit.update, sys.wallClock() - lastInit.uptime * 1000);
      if (!result) return;
      log(`update ${pending.id}: ${result.outcome} (${result.message ?? ''})`);
      // The record goes only once the server has the outcome: a crash before that reports it again.
      runner.report(result, () => sys.remove(pendingUpdateFile(config.stateDir)));
      pending = undefined;
    },
  });
}

const sys = quickjsSys;
run(sys, scriptArgs.slice(1)).catch((error: unknown) => {
  sys.write(2, `imago-agent: ${error instanceof Error ? error.message : String(error)}\n`);
  sys.exit(1);
});
