/**
 * Whole x86_64 builds of specs with `time:` and `fleet:` (real downloads and
 * compilers, cached after the first run): the image tree holds the ntpd
 * build, its scripts, the agent and its files, init.json runs the services,
 * and the manifest records the ntpd and agent binaries. The fleet build
 * compiles the agent from init/src/agent/main.ts (branch wt-agent).
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockSetFile, fleetAgentConfigPath, fleetAgentPath, type FleetAgentConfig, type InitConfig } from '../../../contract/index.ts';
import { readInitrd } from '../archive/decompress.ts';
import { run } from '../io/exec.ts';
import { build } from './build.ts';
import { buildOptions } from './options.ts';

/** Builds `yaml` (after version and name) with `files` beside it; returns the initramfs records and the manifest. */
async function buildSpec(yaml: string, files: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'imago-time-fleet-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'spec.yml'), `version: 1\nname: clocked\n${yaml}`);
  await build(join(dir, 'spec.yml'), buildOptions({ outDir: join(dir, 'out'), arch: ['x86_64'] }));
  const records = await readInitrd(join(dir, 'out', 'x86_64', 'initrd.img'));
  const manifest = JSON.parse(await readFile(join(dir, 'out', 'x86_64', 'manifest.json'), 'utf8'));
  const file = (name: string) => records.find((record) => record.name === name);
  return { dir, records, manifest, file, config: JSON.parse(new TextDecoder().decode(file('etc/imago/init.json')!.data)) as InitConfig };
}

test('time: the image has a static ntpd, its two scripts and the service time, ready on the clock-set mark', async (t) => {
  const { dir, file, config, manifest } = await buildSpec('time:\n  servers: ["10.0.2.2:1123"]\n');
  const ntpd = file('usr/libexec/imago/ntpd');
  t.truthy(ntpd, 'ntpd is in the image');
  t.is(ntpd!.mode & 0o777, 0o755);
  await writeFile(join(dir, 'ntpd'), ntpd!.data);
  const { stdout } = await run('file', ['-b', join(dir, 'ntpd')]);
  t.regex(stdout.toString(), /ELF 64-bit LSB executable, x86-64.*statically linked/);
  for (const script of ['usr/share/imago/time-service', 'usr/share/imago/time-sync.script']) t.is(file(script)?.mode! & 0o777, 0o755, script);
  const time = config.services.find((service) => service.name === 'time');
  t.deepEqual(time?.command, ['/bin/sh', '/usr/share/imago/time-service', '10.0.2.2:1123']);
  t.like(time?.ready, { kind: 'file', file: clockSetFile });
  t.is(manifest.timeDaemon.sourcePackage, 'busybox');
  t.regex(manifest.timeDaemon.sha256, /^[0-9a-f]{64}$/);
});

/** A real self-signed P-256 certificate, as `imago fleet init` makes the fleet CA. */
function makeCa(dir: string): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '2', '-subj', '/CN=test fleet CA'], { stdio: 'ignore' });
  return readFileSync(join(dir, 'ca.pem'), 'utf8');
}

test('fleet: the image has the agent, the CA, the root-only token, fleet.json and the services time and fleet-agent', async (t) => {
  const scratch = await mkdtemp(join(tmpdir(), 'imago-ca-'));
  const ca = makeCa(scratch);
  const { dir, file, config, manifest } = await buildSpec('fleet:\n  server: "10.0.2.2:8443"\n  ca: ca.pem\n  token: t.token\n  identity: ephemeral\n', { 'ca.pem': ca, 't.token': 'batch-token-1\n' });
  const agent = file(fleetAgentPath.slice(1));
  t.truthy(agent, 'the agent is in the image');
  t.is(agent!.mode & 0o777, 0o755);
  await writeFile(join(dir, 'agent'), agent!.data);
  const { stdout } = await run('file', ['-b', join(dir, 'agent')]);
  t.regex(stdout.toString(), /ELF 64-bit LSB executable, x86-64.*statically linked/);
  t.is(new TextDecoder().decode(file('etc/imago/fleet-ca.pem')!.data), ca);
  t.is(file('etc/imago/fleet.token')!.mode & 0o777, 0o600);
  const fleet = JSON.parse(new TextDecoder().decode(file(fleetAgentConfigPath.slice(1))!.data)) as FleetAgentConfig;
  t.like(fleet, { server: { host: '10.0.2.2', port: 8443, name: '10.0.2.2' }, identity: 'ephemeral', arch: 'x86_64', image: 'clocked' });
  const names = config.services.map((service) => service.name);
  t.true(names.includes('time') && names.includes('fleet-agent'), names.join(' '));
  t.deepEqual(config.services.find((service) => service.name === 'fleet-agent')!.dependsOn, [{ name: 'time', condition: 'ready' }]);
  t.regex(manifest.fleetAgent.sha256, /^[0-9a-f]{64}$/);
});
