/**
 * `host:port` addresses, the only way the fleet names a server (never a URL):
 * `127.0.0.1:8443`, `fleet.lan:8443`, `[fd00::1]:8443`.
 */
import { FleetError } from '../errors.ts';

export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port`; throws naming `where` and the value. */
export function parseHostPort(text: string, where: string): HostPort {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : 0;
  if (!match || port < 1 || port > 65535) throw new FleetError(`${where}: expected HOST:PORT such as 0.0.0.0:8443 or [fd00::1]:8443, got ${JSON.stringify(text)}`);
  return { host: match[1] ?? match[2]!, port };
}

/** Back to text, brackets around an IPv6 host. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
