/**
 * Where the device keeps what it knows about the time, shared by the builder
 * (the time service's scripts) and the init (which restores the clock at boot
 * and saves it at shutdown). Pure.
 *
 * A device without a battery boots in 1970. The last known time, kept on the
 * data partition, stops the clock going backwards across boots; only a real
 * time source (NTP) creates `clockSetFile`, the ready mark services wait for.
 */
import { dataMount } from './disk-layout.ts';

/** Created by the time service on its first sync: the clock is right, certificates can be checked. */
export const clockSetFile = '/run/imago/clock-set';
/** The last known time, in whole seconds since the epoch on one line, on the data partition. */
export const savedClockFile = `${dataMount}/imago/clock`;
/** NTP servers the DHCP lease offered (option 42), one per line, written by the udhcpc script. */
export const dhcpTimeServersFile = '/run/imago/ntp-servers';

/** The saved time in milliseconds, or undefined when `text` is not one line of whole seconds. */
export function parseSavedClock(text: string): number | undefined {
  const match = /^(\d{1,12})\n?$/.exec(text);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** The saved-clock file's text for `ms` since the epoch (whole seconds, as `date +%s` writes). */
export function formatSavedClock(ms: number): string {
  return `${Math.floor(ms / 1000)}\n`;
}
