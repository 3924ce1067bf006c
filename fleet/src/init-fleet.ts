/**
 * `imago fleet init DIR`: a new fleet folder (CA, server certificate, settings,
 * database). Built in a temporary sibling folder and renamed at the end, so a
 * failure leaves no half fleet, and an existing fleet is never overwritten.
 */
import { FleetError } from './errors.ts';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fleetFiles, type FleetConfig } from './config/fleet-config.ts';
import { parseHostPort } from './config/host-port.ts';
import { createFleetCa } from './pki/fleet-ca.ts';
import { issueServerCertificate } from './pki/server-certificate.ts';
import { openStore } from './store/open-store.ts';

export interface InitOptions {
  addresses: string[];
  listen: string;
  postgres?: string;
}

/** Creates the fleet in `dir`; returns its settings. Throws when `dir` already holds a fleet or is not empty. */
export async function initFleet(dir: string, options: InitOptions): Promise<FleetConfig> {
  const target = resolve(dir);
  parseHostPort(options.listen, '--listen');
  for (const address of options.addresses) {
    if (!/^[A-Za-z0-9.:-]+$/.test(address)) throw new FleetError(`--address: expected a host name or IP without a port, got ${JSON.stringify(address)}`);
  }
  if (existsSync(fleetFiles(target).config)) throw new FleetError(`${target}: already holds a fleet (fleet.json); refusing to overwrite it`);
  if (existsSync(target)) {
    const entries = await readdir(target).catch((error: NodeJS.ErrnoException) => {
      throw new FleetError(`${target}: cannot use it as the fleet folder (${error.code ?? error.message})`, { cause: error });
    });
    if (entries.length > 0) throw new FleetError(`${target}: not empty; give a new or empty folder`);
  }
  await mkdir(dirname(target), { recursive: true });
  const temp = await mkdtemp(join(dirname(target), `.${basename(target)}.init-`));
  try {
    const files = fleetFiles(temp);
    const ca = await createFleetCa();
    const server = await issueServerCertificate(ca, options.addresses);
    const config: FleetConfig = {
      listen: options.listen,
      addresses: options.addresses,
      storage: options.postgres ? { kind: 'postgres', connection: options.postgres } : { kind: 'sqlite', file: 'fleet.db' },
    };
    await writeFile(files.caCertificate, ca.certificatePem);
    await writeFile(files.caKey, ca.keyPem, { mode: 0o600 });
    await writeFile(files.serverCertificate, server.certificatePem);
    await writeFile(files.serverKey, server.keyPem, { mode: 0o600 });
    await writeFile(files.config, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await mkdir(files.operators, { mode: 0o700 });
    const store = await openStore(config.storage, temp);
    await store.close();
    // Checked empty above; rename cannot replace a folder.
    if (existsSync(target)) await rmdir(target);
    await rename(temp, target);
    return config;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
