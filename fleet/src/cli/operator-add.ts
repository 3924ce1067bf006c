/**
 * `imago fleet operator add NAME --fleet DIR`: an operator certificate and a
 * profile (0600) holding it. Run on the fleet's host, since it needs the CA key.
 * With a password (`--password`, `--password-file`) the operator may also sign
 * in to the web console; only its scrypt hash is stored.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatHostPort, parseHostPort } from '../config/host-port.ts';
import { FleetError } from '../errors.ts';
import { loadFleet } from '../load-fleet.ts';
import { checkSubjectName } from '../pki/names.ts';
import { issueOperatorCertificate } from '../pki/operator-certificate.ts';
import { openStore } from '../store/open-store.ts';
import type { OperatorProfile } from './profile.ts';
import { hashPassword } from '../console/password-hash.ts';

/** Issues the operator and writes the profile; returns the profile's path. Refuses a name already in use. */
export async function addOperator(name: string, options: { fleet: string; out?: string; server?: string; password?: string }): Promise<string> {
  checkSubjectName(name, 'operator name');
  const fleet = await loadFleet(options.fleet);
  const listen = parseHostPort(fleet.config.listen, 'fleet.json listen');
  const server = options.server ?? formatHostPort({ host: fleet.config.addresses[0] ?? '127.0.0.1', port: listen.port });
  parseHostPort(server, '--server');
  const out = options.out ?? join(fleet.dir, 'operators', `${name}.json`);
  const store = await openStore(fleet.config.storage, fleet.dir);
  try {
    if (await store.getOperator(name)) throw new FleetError(`operator ${name} already exists in ${fleet.dir}`);
    const issued = await issueOperatorCertificate(fleet.ca, name);
    const profile: OperatorProfile = { operator: name, server, ca: fleet.ca.certificatePem, certificate: issued.certificatePem, key: issued.keyPem };
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600, flag: 'wx' }).catch((error: Error) => {
      throw new FleetError(`${out}: cannot write the profile: ${error.message} (profiles are never overwritten)`, { cause: error });
    });
    const passwordHash = options.password === undefined ? undefined : await hashPassword(options.password);
    await store.addOperator({ name, certSerial: issued.serial, passwordHash, createdAt: Date.now() });
    return out;
  } finally {
    await store.close();
  }
}
