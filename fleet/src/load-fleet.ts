/**
 * Reads a fleet folder (settings, CA, server certificate) for `serve` and
 * `operator add`; every error names the file that is missing or wrong.
 */
import { FleetError } from './errors.ts';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fleetFiles, parseFleetConfig, type FleetConfig } from './config/fleet-config.ts';
import { loadFleetCa, type FleetCa } from './pki/fleet-ca.ts';

export interface Fleet {
  dir: string;
  config: FleetConfig;
  ca: FleetCa;
  /** The CA as Node sees it, for checking peers. */
  caNode: X509Certificate;
  serverCertificatePem: string;
  serverKeyPem: string;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new FleetError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); is this a fleet folder made by imago fleet init?`, { cause: error });
  }
}

/** The fleet in `dir`. */
export async function loadFleet(dir: string): Promise<Fleet> {
  const files = fleetFiles(resolve(dir));
  const configText = await readText(files.config);
  let parsed: unknown;
  try {
    parsed = JSON.parse(configText);
  } catch {
    throw new FleetError(`${files.config}: not valid JSON`);
  }
  const config = parseFleetConfig(parsed, files.config);
  const caPem = await readText(files.caCertificate);
  const ca = await loadFleetCa(caPem, await readText(files.caKey), files.caKey);
  return { dir: resolve(dir), config, ca, caNode: new X509Certificate(caPem), serverCertificatePem: await readText(files.serverCertificate), serverKeyPem: await readText(files.serverKey) };
}
