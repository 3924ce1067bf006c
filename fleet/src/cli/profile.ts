/**
 * An operator profile: everything `imago fleet` needs to reach the server as
 * one operator (server host:port, the fleet CA to trust, the operator's
 * certificate and key). One JSON file, 0600, found by --profile or
 * IMAGO_FLEET_PROFILE.
 */
import { readFile } from 'node:fs/promises';
import { FleetError } from '../errors.ts';
import { parseHostPort } from '../config/host-port.ts';

export interface OperatorProfile {
  operator: string;
  /** host:port */
  server: string;
  ca: string;
  certificate: string;
  key: string;
}

/** The profile file's path from the option or the environment; FleetError when neither names one. */
export function profilePath(option: string | undefined, env = process.env): string {
  const path = option ?? env.IMAGO_FLEET_PROFILE;
  if (!path) throw new FleetError('no operator profile: give --profile FILE or set IMAGO_FLEET_PROFILE (imago fleet operator add writes one)');
  return path;
}

/** Reads and checks a profile; errors name the file and the field. */
export async function readProfile(file: string): Promise<OperatorProfile> {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new FleetError(`${file}: cannot read the operator profile: ${(error as Error).message}`, { cause: error });
  }
  for (const field of ['operator', 'server', 'ca', 'certificate', 'key'] as const) {
    if (typeof value?.[field] !== 'string') throw new FleetError(`${file}: ${field}: expected a string`);
  }
  parseHostPort(value.server as string, `${file}: server`);
  return value as unknown as OperatorProfile;
}
