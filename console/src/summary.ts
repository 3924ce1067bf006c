/**
 * The words the console shows for a device's state: its health in one
 * phrase, its update slot, times. Pure.
 */
import type { DeviceStatus, ListedDevice, ServiceReport } from './types.ts';

/** A service that needs the operator's eye: failed, or running but unhealthy. */
export function troubled(service: ServiceReport): boolean {
  return service.state === 'failed' || service.health === 'unhealthy';
}

/** "3 services, all fine", "1 of 3 in trouble: web (failed)", "no report yet". */
export function healthSummary(status: DeviceStatus | undefined): string {
  if (!status) return 'no report yet';
  const services = status.services;
  if (services.length === 0) return 'no services';
  const bad = services.filter(troubled);
  if (bad.length === 0) return `${services.length} service${services.length === 1 ? '' : 's'}, all fine`;
  return `${bad.length} of ${services.length} in trouble: ${bad.map((s) => `${s.name} (${s.state === 'failed' ? 'failed' : s.health})`).join(', ')}`;
}

/** "A, committed", "B, on trial", or "-" for an image without A/B updates. */
export function slotSummary(status: DeviceStatus | undefined): string {
  const update = status?.update;
  if (!update) return '-';
  const booted = update.slots.find((slot) => slot.booted) ?? update.slots.find((slot) => slot.slot === update.booted);
  return `${update.booted}, ${booted?.committed ? 'committed' : 'on trial'}`;
}

/** The version the device runs (its report), else the one it activated with. */
export function runningVersion(device: Pick<ListedDevice, 'status' | 'version'>): string {
  return device.status?.version ?? device.version;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago", "never". */
export function ago(at: number | undefined, now: number): string {
  if (at === undefined) return 'never';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** An absolute time for a title or a table: ISO without milliseconds, in UTC. */
export function when(at: number | undefined): string {
  return at === undefined ? '-' : new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z').replace('T', ' ');
}

/** An audit entry's detail as one line: `key value, ...`, with times (`...At` in ms) as dates rather than raw numbers. */
export function auditDetail(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([key, value]) => `${key} ${/At$/.test(key) && typeof value === 'number' ? when(value) : typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}
