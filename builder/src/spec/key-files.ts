/**
 * Warnings, not errors: `files:` entries that look like private keys (by
 * name, or by a PEM private-key block in their contents) but would be readable
 * by every user of the device. `imago validate` and `imago build` print them
 * and go on; a key meant to be public can say so with its mode.
 */
import { basename } from 'node:path';
import type { FileSpec } from './file-schema.ts';
import type { UnlocatedProblem } from './problem.ts';
import type { Spec } from './schema.ts';

/** Names private keys go by: *.key, OpenSSH identities and host keys (their .pub halves are public). */
const keyNames = [/\.key$/, /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/, /^ssh_host_.*_key$/];

/** A PEM private key of any kind: PRIVATE KEY, RSA/EC/DSA/OPENSSH/ENCRYPTED PRIVATE KEY. */
const pemPrivateKey = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Reads a `source:` file (relative to the spec) as text, or undefined when it cannot be read. */
export type SourceReader = (source: string) => Promise<string | undefined>;

async function looksLikePrivateKey(file: FileSpec, readSource: SourceReader): Promise<boolean> {
  const names = [file.path, file.source].filter((name): name is string => name !== undefined).map((name) => basename(name));
  if (names.some((name) => keyNames.some((pattern) => pattern.test(name)))) return true;
  if (file.contents !== undefined) return pemPrivateKey.test(file.contents);
  // Only .pem sources are read: a certificate and a key share the extension, not the block.
  if (file.source !== undefined && names.some((name) => name.endsWith('.pem'))) return pemPrivateKey.test((await readSource(file.source)) ?? '');
  return false;
}

async function keyFileWarnings(files: readonly FileSpec[], at: (string | number)[], readSource: SourceReader): Promise<UnlocatedProblem[]> {
  const warnings: UnlocatedProblem[] = [];
  for (const [index, file] of files.entries()) {
    if (file.directory || file.symlink !== undefined) continue;
    const mode = file.mode ?? 0o644;
    if ((mode & 0o004) === 0 || !(await looksLikePrivateKey(file, readSource))) continue;
    warnings.push({
      path: [...at, index, 'path'],
      message: `looks like a private key but is readable by every user (mode ${mode.toString(8).padStart(4, '0')}); set mode: "0600"`,
    });
  }
  return warnings;
}

/** Every world-readable private key in the image's `files:` and in those of its containers. */
export async function privateKeyWarnings(spec: Spec, readSource: SourceReader): Promise<UnlocatedProblem[]> {
  const warnings = await keyFileWarnings(spec.files ?? [], ['files'], readSource);
  for (const [index, container] of (spec.containers ?? []).entries()) {
    warnings.push(...(await keyFileWarnings(container.files ?? [], ['containers', index, 'files'], readSource)));
  }
  return warnings;
}
