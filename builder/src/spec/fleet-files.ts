/**
 * Checks of the files `fleet:` names, run with the other referenced-file
 * checks in loadSpec: the CA must be a PEM certificate (a key or a CSR there
 * would leave the agent trusting nothing) and the token one non-empty line.
 */
import { X509Certificate } from 'node:crypto';

/** Throws naming the file and what was expected when `text` holds no PEM certificate Node can parse. */
export function parseFleetCa(text: string, file: string): X509Certificate {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text);
  if (!block) throw new Error(`fleet CA "${file}": expected a PEM certificate (-----BEGIN CERTIFICATE-----), such as the ca.pem \`imago fleet init\` writes`);
  try {
    return new X509Certificate(block[0]);
  } catch (error) {
    throw new Error(`fleet CA "${file}": expected a PEM certificate, but it does not parse: ${(error as Error).message}`);
  }
}

/** The token without its line end; throws unless the file is exactly one non-empty line. */
export function parseFleetToken(text: string, file: string): string {
  const token = text.replace(/\r?\n$/, '');
  if (token.trim() === '') throw new Error(`token file "${file}": expected the activation token on one line, got an empty file; make one with imago fleet batch create`);
  if (/[\r\n]/.test(token)) throw new Error(`token file "${file}": expected the activation token on one line, got ${token.split(/\r?\n/).length} lines`);
  if (token !== token.trim()) throw new Error(`token file "${file}": expected the activation token without leading or trailing spaces`);
  return token;
}
