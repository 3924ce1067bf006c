/** Private keys in `files:` that every user of the device could read: warned about, not refused. */
import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from './load.ts';
import { renderProblem } from './problem.ts';

/** The warnings loadSpec gives for a spec (with `files` written beside it), rendered. */
async function warnings(body: string, files: Record<string, string> = {}): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-keys-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'spec.yml'), `version: 1\nname: keys\n${body}`);
  const loaded = await loadSpec(join(dir, 'spec.yml'));
  if (loaded.problems.length > 0) throw new Error(loaded.problems.map(renderProblem).join('\n'));
  return loaded.warnings.map((warning) => renderProblem(warning).slice(join(dir, 'spec.yml').length));
}

const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n';

const worldReadable: [string, string, Record<string, string>?][] = [
  ['a .key file with the default mode', 'files:\n  - { path: /etc/app/server.key, contents: secret }\n'],
  ['an ssh host key', 'files:\n  - { path: /etc/ssh/ssh_host_ed25519_key, source: host-key, mode: "0644" }\n', { 'host-key': 'x' }],
  ['an id_rsa from a source of that name', 'files:\n  - { path: /root/.ssh/identity, source: id_rsa }\n', { id_rsa: 'x' }],
  ['an id_ed25519 with mode 0644', 'files:\n  - { path: /home/app/.ssh/id_ed25519, contents: x, mode: "0644" }\n'],
  ['a .pem source holding a private key', 'files:\n  - { path: /etc/app/tls.pem, source: tls.pem }\n', { 'tls.pem': pem }],
  ['inline contents holding a private key', `files:\n  - path: /etc/app/anything\n    contents: ${JSON.stringify(pem)}\n`],
  ['a key in a container image', 'containers:\n  - name: box\n    packages: [busybox-static]\n    files: [{ path: /srv/tls.key, contents: x }]\n'],
];

for (const [name, body, files] of worldReadable) {
  test(`warns: ${name}, readable by every user`, async (t) => {
    const found = await warnings(body, files);
    t.is(found.length, 1, found.join('\n'));
    t.regex(found[0] ?? '', /looks like a private key but is readable by every user \(mode 06[04]4\); set mode: "0600"/);
  });
}

const quiet: [string, string, Record<string, string>?][] = [
  ['a .key file with mode 0600', 'files:\n  - { path: /etc/app/server.key, contents: secret, mode: "0600" }\n'],
  ['an ssh host key with mode 0640', 'files:\n  - { path: /etc/ssh/ssh_host_ed25519_key, contents: x, mode: "0640" }\n'],
  ['a public key', 'files:\n  - { path: /etc/ssh/ssh_host_ed25519_key.pub, contents: x }\n  - { path: /root/.ssh/id_rsa.pub, contents: x }\n'],
  ['a .pem certificate', 'files:\n  - { path: /etc/app/ca.pem, source: ca.pem }\n', { 'ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }],
  ['an ordinary file', 'files:\n  - { path: /etc/motd, contents: hello }\n  - { path: /etc/ssh, directory: true }\n'],
];

for (const [name, body, files] of quiet) {
  test(`no warning: ${name}`, async (t) => {
    t.deepEqual(await warnings(body, files), []);
  });
}
