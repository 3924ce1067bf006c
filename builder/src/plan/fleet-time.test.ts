/**
 * What `fleet:` and `time:` put into an image: the agent and its files with
 * the right modes, /etc/imago/fleet.json with every default resolved, the
 * services `time` (ready on the clock-set mark) and `fleet-agent` (after the
 * clock), the ntpd binary and its scripts; and the time service's script run
 * by a real shell, with the spec's and DHCP's servers.
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockSetFile, configPath, dhcpTimeServersFile, savedClockFile, fleetAgentConfigPath, fleetAgentPath, type FleetAgentConfig, type InitConfig } from '../../../contract/index.ts';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import type { FileEntry } from '../tree/tree.ts';
import { fleetCaPath, fleetTokenPath } from './fleet-agent.ts';
import { planTree } from './plan-tree.ts';
import { timeDaemonPath, timeServiceScript, timeSyncScript, timeSyncScriptPath, timeServicePath } from './time-service.ts';
import { udhcpcScript } from './udhcpc-script.ts';

const busybox: FileEntry = { path: 'bin/busybox', kind: 'file', mode: 0o755, uid: 0, gid: 0, data: new TextEncoder().encode('\0[\0[[\0ash\0sh\0\0') };
const agent = new TextEncoder().encode('\x7fELF agent');
const ntpd = new TextEncoder().encode('\x7fELF ntpd');
const fleetInputs = { agent, ca: new TextEncoder().encode('-----BEGIN CERTIFICATE-----\n'), token: new TextEncoder().encode('tok\n'), arch: 'x86_64' };

function plan(yaml: string, withInputs = true) {
  const { spec, problems } = parseSpec(`version: 1\nname: dev\nimage_version: 1.2.0\n${yaml}`, 'dev.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  const { tree } = planTree(spec, {
    packageEntries: [busybox],
    init: new Uint8Array([0x7f]),
    modules: [],
    sources: new Map(),
    ...(withInputs ? { timeDaemon: ntpd, fleet: fleetInputs } : {}),
  });
  const file = (path: string) => tree.get(path) as FileEntry | undefined;
  const text = (path: string) => new TextDecoder().decode(file(path)!.data);
  return { tree, file, text, config: JSON.parse(text(configPath)) as InitConfig };
}

const ephemeralFleet = 'fleet: { server: "10.0.2.2:8443", ca: ca.pem, token: t.token, identity: ephemeral }\n';

test('fleet: the agent, the CA, the root-only token and fleet.json with every default resolved', (t) => {
  const { file, text } = plan(ephemeralFleet);
  t.is(file(fleetAgentPath)!.mode, 0o755);
  t.deepEqual(file(fleetAgentPath)!.data, agent);
  t.is(file(fleetCaPath)!.mode, 0o644);
  t.is(file(fleetTokenPath)!.mode, 0o600);
  t.is(text(fleetTokenPath), 'tok\n');
  const config = JSON.parse(text(fleetAgentConfigPath)) as FleetAgentConfig;
  t.deepEqual(config, {
    server: { host: '10.0.2.2', port: 8443, name: '10.0.2.2' },
    caFile: fleetCaPath,
    tokenFile: fleetTokenPath,
    identity: 'ephemeral',
    stateDir: '/run/imago/fleet',
    image: 'dev',
    version: '1.2.0',
    arch: 'x86_64',
    pollWaitSeconds: 25,
  });
});

test('fleet: a persistent identity keeps its state on /data; name and poll_wait are passed on', (t) => {
  const { text } = plan('update: { keys: [k.pub] }\nfleet: { server: "fleet.lan:443", name: fleet.lan, ca: ca.pem, token: t.token, poll_wait: 50 }\n');
  const config = JSON.parse(text(fleetAgentConfigPath)) as FleetAgentConfig;
  t.like(config, { server: { host: 'fleet.lan', port: 443, name: 'fleet.lan' }, identity: 'persistent', stateDir: '/data/imago/fleet', pollWaitSeconds: 50 });
});

test('fleet: the agent runs as the service fleet-agent, restarted always, once the time service is ready', (t) => {
  const { config } = plan(ephemeralFleet);
  const service = config.services.find((s) => s.name === 'fleet-agent')!;
  t.deepEqual(service.command, [fleetAgentPath, '--config', fleetAgentConfigPath]);
  t.is(service.restart, 'always');
  t.deepEqual(service.dependsOn, [{ name: 'time', condition: 'ready' }]);
  t.truthy(config.services.find((s) => s.name === 'time'), 'fleet: brings the time service without time:');
});

test('time: ntpd, its scripts, and the service time whose ready probe is the clock-set mark', (t) => {
  const { file, config } = plan('time: { servers: [10.0.2.2, "ntp.lan:1123"] }\n');
  t.deepEqual(file(timeDaemonPath)!.data, ntpd);
  for (const path of [timeDaemonPath, timeServicePath, timeSyncScriptPath]) t.is(file(path)!.mode, 0o755, path);
  const service = config.services.find((s) => s.name === 'time')!;
  t.deepEqual(service.command, ['/bin/sh', timeServicePath, '10.0.2.2', 'ntp.lan:1123']);
  t.like(service.ready, { kind: 'file', file: clockSetFile });
  t.is(service.restart, 'always');
  t.false(config.services.some((s) => s.name === 'fleet-agent'), 'time: alone adds no agent');
});

test('neither section: no time service, no agent, no ntpd', (t) => {
  const { file, config } = plan('services: [{ name: app, command: /app }]\n', false);
  t.deepEqual(config.services.map((s) => s.name), ['dhcp-eth0', 'app']);
  t.is(file(timeDaemonPath), undefined);
  t.is(file(fleetAgentPath), undefined);
});

test('a build that forgot the ntpd binary fails naming it, instead of an image whose time service cannot start', (t) => {
  t.throws(() => plan('time: {}\n', false), { message: /the spec sets the clock \(time: or fleet:\) but the build gave no ntpd binary/ });
});

test('the DHCP client asks for NTP servers (option 42) and its script keeps them for the time service', (t) => {
  const { config } = plan('time: {}\n');
  const dhcp = config.services.find((s) => s.name === 'dhcp-eth0')!;
  t.deepEqual(dhcp.command.slice(dhcp.command.indexOf('-O'), dhcp.command.indexOf('-O') + 2), ['-O', 'ntpsrv']);
  t.true(udhcpcScript.includes(`> ${dhcpTimeServersFile}`));
  t.true(udhcpcScript.includes('imagoctl restart time'));
});

/** The time service's script with its absolute paths moved into `dir`, and ntpd replaced by echo. */
async function hostTimeScript(dir: string, routes = 'Iface\tDestination\neth0\t00000000\n'): Promise<string> {
  const script = join(dir, 'time-service');
  await writeFile(join(dir, 'route'), routes);
  const text = timeServiceScript
    .replace('bb=/bin/busybox', 'bb=')
    .replaceAll(dhcpTimeServersFile, join(dir, 'ntp-servers'))
    .replace('routes=/proc/net/route', `routes=${join(dir, 'route')}`)
    .replace(`exec ${timeDaemonPath}`, 'exec echo ntpd')
    .replaceAll(/\$bb sleep \d+/g, 'echo slept');
  await writeFile(script, text);
  return script;
}

test("the time service's script runs ntpd with the spec's servers and DHCP's, as -p peers", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-time-'));
  await writeFile(join(dir, 'ntp-servers'), '192.168.1.1\n192.168.1.2\n');
  const output = execFileSync('sh', [await hostTimeScript(dir), '10.0.2.2:1123'], { encoding: 'utf8' });
  t.is(output, `time: asking 10.0.2.2:1123 192.168.1.1 192.168.1.2; the clock counts as set once one answers\nntpd -n -S ${timeSyncScriptPath} -p 10.0.2.2:1123 -p 192.168.1.1 -p 192.168.1.2\n`);
});

test('the time service waits for a network route before its first query (a query without one costs ntpd 32 s)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-time-'));
  const output = execFileSync('sh', [await hostTimeScript(dir, 'Iface\tDestination\n'), '10.0.2.2:1123'], { encoding: 'utf8' });
  t.is(output.split('\n').filter((l) => l === 'slept').length, 15, output);
  t.regex(output, /time: asking 10\.0\.2\.2:1123/, 'and then asks anyway: a static network may route later');
});

test('the time service without any server says why and exits to be started again', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-time-'));
  const result = spawnSync('sh', [await hostTimeScript(dir)], { encoding: 'utf8' });
  t.is(result.status, 1);
  t.regex(result.stdout, /^time: clock not set: no NTP server \(none in the spec, and DHCP offered none with option 42\)/);
});

/** ntpd's -S script with its paths moved into `dir` (the mount table too), run by a real shell for `event`. */
async function runSyncScript(dir: string, event: string, mounted: boolean) {
  await writeFile(join(dir, 'mounts'), mounted ? `/dev/vda3 ${dir}/data ext4 rw 0 0\n` : 'run /run tmpfs rw 0 0\n');
  const text = timeSyncScript
    .replace('bb=/bin/busybox', 'bb=')
    .replace(`mark=${clockSetFile}`, `mark=${dir}/run/clock-set`)
    .replace(`saved=${savedClockFile}`, `saved=${dir}/data/imago/clock`)
    .replace('data=/data', `data=${dir}/data`)
    .replace('mounts=/proc/mounts', `mounts=${dir}/mounts`);
  if (/^[^#].*\/(run|data|proc)\//m.test(text.split('\n').slice(6).join('\n'))) throw new Error('the sync script names a device path outside its header: the test would write to the host');
  await writeFile(join(dir, 'sync'), text);
  return spawnSync('sh', [join(dir, 'sync'), event], { encoding: 'utf8', env: { ...process.env, offset: '1780000000.5' } });
}

test("ntpd's sync script marks the clock set once and saves the time on a mounted data partition", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-sync-'));
  const first = await runSyncScript(dir, 'step', true);
  t.is(first.status, 0);
  t.regex(first.stdout, /^time: clock set \(step, offset 1780000000.5s\): \d{4}-\d\d-\d\d /);
  t.true(existsSync(join(dir, 'run/clock-set')));
  const saved = Number(readFileSync(join(dir, 'data/imago/clock'), 'utf8'));
  t.true(Math.abs(saved - Date.now() / 1000) < 5, `saved ${saved}`);
  const again = await runSyncScript(dir, 'periodic', true);
  t.is(again.stdout, '', 'the mark is announced once');
});

test("ntpd's sync script saves nothing without a mounted data partition, and ignores other events", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-sync-'));
  await runSyncScript(dir, 'stratum', false);
  t.true(existsSync(join(dir, 'run/clock-set')), 'the clock is set all the same');
  t.false(existsSync(join(dir, 'data/imago/clock')), 'a time saved in RAM would not survive the boot');
  const other = await mkdtemp(join(tmpdir(), 'imago-sync-'));
  await runSyncScript(other, 'unsync', true);
  t.false(existsSync(join(other, 'run/clock-set')), 'losing the servers does not mark the clock set');
});
