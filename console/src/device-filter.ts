/**
 * The fleet page's search and filter. Pure.
 *
 *   filterDevices(devices, { text: 'gw-0', show: 'not-reporting' }, presenceOf)
 */
import type { Presence } from './presence.ts';
import { healthSummary, runningVersion } from './summary.ts';
import type { ListedDevice } from './types.ts';

export type DeviceShow = 'all' | 'online' | 'not-reporting' | 'in-trouble' | 'revoked';

export interface DeviceFilter {
  /** Words that must all appear (any case) in the id, host name, arch, image, version, batch or addresses. */
  text: string;
  show: DeviceShow;
}

function haystack(device: ListedDevice): string {
  return [device.id, device.hostname, device.status?.hostname, device.arch, device.image, runningVersion(device), device.batch, ...(device.status?.addresses ?? [])].join(' ').toLowerCase();
}

export function filterDevices(devices: ListedDevice[], filter: DeviceFilter, presenceOf: (device: ListedDevice) => Presence): ListedDevice[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return devices.filter((device) => {
    if (!words.every((word) => haystack(device).includes(word))) return false;
    const presence = presenceOf(device);
    switch (filter.show) {
      case 'all':
        return true;
      case 'online':
        return presence === 'online';
      case 'not-reporting':
        return presence === 'not-reporting' || presence === 'rebooting' || presence === 'never-reported';
      case 'in-trouble':
        return healthSummary(device.status).includes('in trouble');
      case 'revoked':
        return presence === 'revoked';
    }
  });
}
