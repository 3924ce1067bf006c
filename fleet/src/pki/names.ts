/**
 * The subjects the fleet CA issues, and reading them back: the subject says a
 * certificate's role, so a device certificate can never pass for an operator's.
 */
import { FleetError } from '../errors.ts';

export const fleetOrganization = 'imago fleet';
export type PeerRole = 'device' | 'operator' | 'server';

/** Device ids and operator names: what fits a subject without escaping and the protocol's name rule. */
const subjectName = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** Throws unless `name` can be a certificate's common name; `what` names it in the error. */
export function checkSubjectName(name: string, what: string): void {
  if (!subjectName.test(name)) throw new FleetError(`${what}: expected letters, digits, . _ @ - (at most 128, starting with a letter or digit), got ${JSON.stringify(name)}`);
}

/** The subject DN for a role, in the string form @peculiar/x509 parses. */
export function subjectFor(role: PeerRole, name: string): string {
  checkSubjectName(name, `${role} name`);
  return `CN=${name}, OU=${role}, O=${fleetOrganization}`;
}

/**
 * Reads Node's subject text (`CN=x\nOU=device\nO=imago fleet`) back to a role
 * and name; undefined for any subject the fleet CA would not have written.
 */
export function readSubject(subject: string): { role: PeerRole; name: string } | undefined {
  const fields = new Map<string, string>();
  for (const line of subject.split('\n')) {
    const at = line.indexOf('=');
    if (at < 0 || fields.has(line.slice(0, at))) return undefined;
    fields.set(line.slice(0, at), line.slice(at + 1));
  }
  const name = fields.get('CN');
  const role = fields.get('OU');
  if (fields.size !== 3 || fields.get('O') !== fleetOrganization || name === undefined || !subjectName.test(name)) return undefined;
  if (role !== 'device' && role !== 'operator' && role !== 'server') return undefined;
  return { role, name };
}
