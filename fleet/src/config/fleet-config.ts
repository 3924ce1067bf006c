/**
 * fleet.json, the fleet folder's settings, written by `imago fleet init` and
 * read by `serve` and `operator add`:
 *
 *   { "listen": "0.0.0.0:8443", "addresses": ["10.0.0.5"],
 *     "storage": { "kind": "sqlite", "file": "fleet.db" } }
 *
 * The folder also holds ca.pem, ca.key, server.pem, server.key (fleetFiles).
 */
import { FleetError } from '../errors.ts';
import { join } from 'node:path';
import { parseHostPort } from './host-port.ts';

export type FleetStorage = { kind: 'sqlite'; file: string } | { kind: 'postgres'; connection: string };

export interface FleetConfig {
  listen: string;
  /** Where devices and operators reach the server (the server certificate's names). */
  addresses: string[];
  storage: FleetStorage;
}

/** The files of a fleet folder. */
export function fleetFiles(dir: string) {
  return {
    config: join(dir, 'fleet.json'),
    caCertificate: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    serverCertificate: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    operators: join(dir, 'operators'),
  };
}

/** Checks fleet.json's parsed value; errors name the file and field. */
export function parseFleetConfig(value: unknown, file: string): FleetConfig {
  const o = value as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) throw new FleetError(`${file}: expected an object`);
  if (typeof o.listen !== 'string') throw new FleetError(`${file}: listen: expected HOST:PORT`);
  parseHostPort(o.listen, `${file}: listen`);
  if (!Array.isArray(o.addresses) || !o.addresses.every((a) => typeof a === 'string')) throw new FleetError(`${file}: addresses: expected a list of host names or IPs`);
  const s = o.storage as Record<string, unknown> | undefined;
  let storage: FleetStorage;
  if (s?.kind === 'sqlite' && typeof s.file === 'string') storage = { kind: 'sqlite', file: s.file };
  else if (s?.kind === 'postgres' && typeof s.connection === 'string') storage = { kind: 'postgres', connection: s.connection };
  else throw new FleetError(`${file}: storage: expected {"kind":"sqlite","file":...} or {"kind":"postgres","connection":...}`);
  return { listen: o.listen, addresses: o.addresses as string[], storage };
}
