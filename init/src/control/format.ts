/** How `imagoctl` prints results for people (with --json it prints them as they are). Pure. */
import type { LogLine } from '../logs/logger.ts';
import type { StatusResult } from './protocol.ts';

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}

/** A table of services, columns padded to fit. */
export function formatStatus(status: StatusResult): string {
  const header = ['SERVICE', 'STATE', 'HEALTH', 'PID', 'RESTARTS', 'UPTIME', 'LAST'];
  const rows = status.services.map((s) => [
    s.name,
    s.state,
    s.health === 'none' ? '-' : s.health,
    s.pid === undefined ? '-' : String(s.pid),
    String(s.restarts),
    duration(s.uptime),
    s.reason ?? s.lastExit ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const dropped = Object.entries(status.dropped).map(([source, n]) => `${source}: ${n.file} to file, ${n.console} to console`);
  return [
    `image ${status.image} on ${status.hostname}, up ${duration(status.uptime)}`,
    line(header),
    ...rows.map(line),
    ...(dropped.length ? [`dropped log lines: ${dropped.join('; ')}`] : []),
  ].join('\n');
}

export function formatLogLine(line: LogLine): string {
  return `${new Date(line.time).toISOString()} ${line.text}`;
}
