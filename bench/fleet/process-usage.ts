/** What a process costs, from /proc: resident memory now and at its peak, and CPU seconds so far. */
import { readFileSync } from 'node:fs';

export interface Usage {
  rssKiB: number;
  peakKiB: number;
  cpuSeconds: number;
}

export function processUsage(pid: number): Usage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // /proc/<pid>/stat: utime and stime are fields 14 and 15, counted in USER_HZ (100 a second); the
  // command name may hold spaces, so fields are counted after its closing parenthesis.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM'), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}
