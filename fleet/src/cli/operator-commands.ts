/**
 * The operator's commands (`imago fleet devices`, `status`, `logs`, ...): each
 * one call to the operator API (server/operator-routes.ts) and its output, as
 * text or, with --json, the server's JSON.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Device, StoredCommand } from '../store/store.ts';
import { FleetError } from '../errors.ts';
import { fleetClient, type FleetClient } from './fleet-client.ts';
import { profilePath, readProfile } from './profile.ts';

export interface CommonFlags {
  profile?: string;
  json?: boolean;
}

type Out = (text: string) => void;
const stdout: Out = (text) => void process.stdout.write(text);

async function client(flags: CommonFlags): Promise<FleetClient> {
  return fleetClient(await readProfile(profilePath(flags.profile)));
}

function segment(value: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/.test(value)) throw new FleetError(`${what}: expected a name (letters, digits, . _ @ : -), got ${JSON.stringify(value)}`);
  return value;
}

function ago(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

export async function devicesCommand(flags: CommonFlags, out: Out = stdout): Promise<void> {
  const { value } = await (await client(flags)).call<{ devices: Device[] }>('GET', '/v1/devices');
  if (flags.json) return out(`${JSON.stringify(value.devices)}\n`);
  if (value.devices.length === 0) return out('no devices\n');
  for (const d of value.devices) out(`${d.id}  ${d.hostname ?? '-'}  ${d.arch}  ${d.image} ${d.status?.version ?? d.version}  seen ${ago(d.lastSeen)}${d.revokedAt !== undefined ? '  REVOKED' : ''}\n`);
}

export async function statusCommand(device: string, flags: CommonFlags, out: Out = stdout): Promise<void> {
  const { value: d } = await (await client(flags)).call<Device>('GET', `/v1/devices/${segment(device, 'DEVICE')}`);
  if (flags.json) return out(`${JSON.stringify(d)}\n`);
  out(`${d.id}: ${d.image} ${d.status?.version ?? d.version} (${d.arch}), host ${d.status?.hostname ?? d.hostname ?? '-'}, batch ${d.batch}, seen ${ago(d.lastSeen)}${d.revokedAt !== undefined ? ', REVOKED' : ''}\n`);
  if (d.status) {
    out(`  up ${Math.round(d.status.uptime)}s, addresses ${d.status.addresses.join(' ') || '-'}\n`);
    for (const s of d.status.services) out(`  ${s.name}: ${s.state} (${s.health}), ${s.restarts} restarts${s.reason ? `: ${s.reason}` : ''}\n`);
    if (d.status.update) out(`  update: booted ${d.status.update.booted}, ${d.status.update.state}\n`);
  }
}

function reportCommand(stored: StoredCommand, what: string, flags: CommonFlags, out: Out): void {
  if (flags.json) return out(`${JSON.stringify(stored)}\n`);
  if (!stored.result) throw new FleetError(`${what}: queued as ${stored.command.id}, but the device has not answered yet (it runs it at its next poll)`);
  if (!stored.result.ok) throw new FleetError(`${what}: the device refused: ${stored.result.message ?? 'no reason given'}`);
  out(`${what}: done${stored.result.message ? `: ${stored.result.message}` : ''}\n`);
}

export async function serviceCommand(action: 'start' | 'stop' | 'restart', device: string, service: string, flags: CommonFlags, out: Out = stdout): Promise<void> {
  const { value } = await (await client(flags)).call<StoredCommand>('POST', `/v1/devices/${segment(device, 'DEVICE')}/services/${segment(service, 'SERVICE')}/${action}`);
  reportCommand(value, `${action} ${service} on ${device}`, flags, out);
}

export async function rebootCommand(device: string, flags: CommonFlags, out: Out = stdout): Promise<void> {
  const { value } = await (await client(flags)).call<StoredCommand>('POST', `/v1/devices/${segment(device, 'DEVICE')}/reboot`);
  reportCommand(value, `reboot ${device}`, flags, out);
}

export async function logsCommand(device: string, service: string, flags: CommonFlags & { follow?: boolean; lines?: string }, out: Out = stdout): Promise<void> {
  const lines = flags.lines ?? '100';
  if (!/^\d{1,6}$/.test(lines)) throw new FleetError(`-n: expected a whole number of lines, got ${JSON.stringify(lines)}`);
  const res = await (await client(flags)).open('GET', `/v1/devices/${segment(device, 'DEVICE')}/services/${segment(service, 'SERVICE')}/logs?lines=${lines}${flags.follow ? '&follow=1' : ''}`);
  for await (const text of createInterface({ input: res, crlfDelay: Infinity })) {
    if (!text) continue;
    if (flags.json) {
      out(`${text}\n`);
      continue;
    }
    const entry = JSON.parse(text) as { line?: string; end?: boolean; dropped?: number; error?: string };
    if (entry.error !== undefined) throw new FleetError(`logs ${service} on ${device}: ${entry.error}`);
    if (entry.line !== undefined) out(`${entry.line}\n`);
    if (entry.end && entry.dropped) out(`(${entry.dropped} lines dropped by the device)\n`);
  }
}

/** "rolled back from version 3: why" rather than "rolled-back: rolled back from version 3: why". */
export function outcomeLine(outcome: string, message: string | undefined): string {
  const words = outcome.replace('-', ' ');
  if (!message) return words;
  return message.startsWith(words) ? message : `${words}: ${message}`;
}

export async function updateCommand(target: string | undefined, bundleFile: string, flags: CommonFlags & { batch?: string; timeout?: string }, out: Out = stdout): Promise<void> {
  if ((target === undefined) === (flags.batch === undefined)) throw new FleetError('update: give DEVICE BUNDLE, or --batch NAME BUNDLE');
  const api = await client(flags);
  const bytes = await readFile(bundleFile).catch((error: Error) => {
    throw new FleetError(`${bundleFile}: cannot read the bundle: ${error.message}`, { cause: error });
  });
  let devices: string[];
  if (flags.batch !== undefined) {
    const { value } = await api.call<{ devices: Device[] }>('GET', '/v1/devices');
    devices = value.devices.filter((d) => d.batch === flags.batch && d.revokedAt === undefined).map((d) => d.id);
    if (devices.length === 0) throw new FleetError(`--batch ${flags.batch}: no live devices in that batch`);
  } else devices = [segment(target!, 'DEVICE')];
  const { value: bundle } = await api.call<{ sha256: string; version: string; compatible: string }>('POST', '/v1/bundles', new Uint8Array(bytes));
  const timeoutMs = Number(flags.timeout ?? 900) * 1000;
  const results: StoredCommand[] = [];
  let failed = 0;
  for (const device of devices) {
    const { value: queued } = await api.call<StoredCommand>('POST', `/v1/devices/${device}/update`, { sha256: bundle.sha256 });
    if (!flags.json) out(`${device}: update to ${bundle.version} queued (${queued.command.id}); waiting for the outcome\n`);
    const deadline = Date.now() + timeoutMs;
    let latest = queued;
    while (Date.now() < deadline && !(latest.result && (latest.result.outcome || !latest.result.ok))) {
      latest = (await api.call<StoredCommand>('GET', `/v1/commands/${queued.command.id}?wait=30&outcome=1`)).value;
    }
    results.push(latest);
    const outcome = latest.result?.outcome ?? (latest.result && !latest.result.ok ? 'failed' : 'no outcome yet');
    if (outcome !== 'committed') failed++;
    if (!flags.json) out(`${device}: ${outcomeLine(outcome, latest.result?.message)}\n`);
  }
  if (flags.json) out(`${JSON.stringify(results)}\n`);
  if (failed > 0) throw new FleetError(`update: ${failed} of ${devices.length} device(s) did not commit ${bundle.version}`);
}

export async function revokeCommand(device: string, flags: CommonFlags, out: Out = stdout): Promise<void> {
  const { value } = await (await client(flags)).call('POST', `/v1/devices/${segment(device, 'DEVICE')}/revoke`);
  out(flags.json ? `${JSON.stringify(value)}\n` : `${device}: revoked; the server refuses it from its next request\n`);
}

export async function batchCreateCommand(flags: CommonFlags & { count?: string; expires: string; name?: string; serials?: string; out?: string }, out: Out = stdout): Promise<void> {
  let serials: string[] | undefined;
  if (flags.serials !== undefined) {
    const text = await readFile(flags.serials, 'utf8').catch((error: Error) => {
      throw new FleetError(`--serials ${flags.serials}: ${error.message}`, { cause: error });
    });
    serials = text.split('\n').map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
  }
  if (flags.count !== undefined && !/^[1-9]\d{0,6}$/.test(flags.count)) throw new FleetError(`--count: expected a whole number >= 1, got ${JSON.stringify(flags.count)}`);
  if ((flags.count === undefined) === (serials === undefined)) throw new FleetError('batch create: give --count N or --serials FILE (one of them)');
  const { value } = await (await client(flags)).call<{ batch: string; token: string; expiresAt: number }>('POST', '/v1/batches', {
    name: flags.name,
    count: flags.count === undefined ? undefined : Number(flags.count),
    serials,
    expires: flags.expires,
  });
  if (flags.out) await writeFile(flags.out, `${value.token}\n`, { mode: 0o600, flag: 'wx' });
  if (flags.json) return out(`${JSON.stringify(flags.out ? { ...value, token: undefined, tokenFile: flags.out } : value)}\n`);
  out(flags.out ? `batch ${value.batch}: token written to ${flags.out} (shown once; put it in the spec's fleet token file)\n` : `batch ${value.batch}: token (shown once):\n${value.token}\n`);
}

export async function batchListCommand(flags: CommonFlags, out: Out = stdout): Promise<void> {
  const { value } = await (await client(flags)).call<{ batches: { name: string; used: number; maxDevices?: number; serials?: string[]; expiresAt: number; revokedAt?: number }[] }>('GET', '/v1/batches');
  if (flags.json) return out(`${JSON.stringify(value.batches)}\n`);
  if (value.batches.length === 0) return out('no batches\n');
  for (const b of value.batches) {
    const state = b.revokedAt !== undefined ? 'revoked' : b.expiresAt < Date.now() ? 'expired' : `expires ${new Date(b.expiresAt).toISOString()}`;
    out(`${b.name}  ${b.used}/${b.maxDevices ?? b.serials?.length ?? '?'} used  ${state}\n`);
  }
}

export async function batchRevokeCommand(name: string, flags: CommonFlags, out: Out = stdout): Promise<void> {
  const { value } = await (await client(flags)).call('POST', `/v1/batches/${segment(name, 'NAME')}/revoke`);
  out(flags.json ? `${JSON.stringify(value)}\n` : `batch ${name}: revoked; its token activates nothing more\n`);
}

export async function auditCommand(flags: CommonFlags & { limit?: string }, out: Out = stdout): Promise<void> {
  const limit = flags.limit ?? '100';
  if (!/^\d{1,5}$/.test(limit)) throw new FleetError(`--limit: expected a whole number, got ${JSON.stringify(limit)}`);
  const { value } = await (await client(flags)).call<{ entries: { at: number; operator: string; action: string; device?: string; detail?: unknown }[] }>('GET', `/v1/audit?limit=${limit}`);
  if (flags.json) return out(`${JSON.stringify(value.entries)}\n`);
  for (const e of value.entries) out(`${new Date(e.at).toISOString()}  ${e.operator}  ${e.action}${e.device ? `  ${e.device}` : ''}${e.detail ? `  ${JSON.stringify(e.detail)}` : ''}\n`);
}
