import test from 'ava';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianOnly, isDebianSuite, parseDeb822Sources, parseOneLineSources, readHostSources } from './host-sources.ts';

// Fixture hosts use the reserved .example domain: the project never names a real mirror.
const deb822 = `Types: deb
# a comment inside the stanza
URIs: file:/srv/mirror/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: file:/srv/mirror/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: file:/srv/mirror/disabled
Suites: bookworm
Components: main
Enabled: no

Types: deb
URIs: file:/srv/vendor/apt
Suites: nodistro
Components: main
Architectures: amd64
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 -----END PGP PUBLIC KEY BLOCK-----
`;

test('parseDeb822Sources reads stanzas, comments and continuation lines, drops disabled ones', (t) => {
  const entries = parseDeb822Sources(deb822);
  t.deepEqual(entries, [
    {
      types: ['deb'],
      uris: ['file:/srv/mirror/debian'],
      suites: ['bookworm', 'bookworm-updates'],
      components: ['main', 'contrib'],
      signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
    },
    {
      types: ['deb', 'deb-src'],
      uris: ['file:/srv/mirror/debian-security'],
      suites: ['bookworm-security'],
      components: ['main'],
      signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
    },
    // The inline key block is not a keyring path, so it is left out.
    { types: ['deb'], uris: ['file:/srv/vendor/apt'], suites: ['nodistro'], components: ['main'], architectures: ['amd64'] },
  ]);
});

test('parseOneLineSources reads options, ignores comments and junk', (t) => {
  const text = `# main archive
deb [arch=amd64,arm64 signed-by=/k.gpg] file:/srv/mirror/debian bookworm main non-free-firmware
deb-src file:/srv/mirror/debian bookworm main # trailing comment
#deb file:/srv/mirror/debian sid main
not a source line
deb file:/srv/mirror/debian-security bookworm-security/updates main
`;
  t.deepEqual(parseOneLineSources(text), [
    {
      types: ['deb'],
      uris: ['file:/srv/mirror/debian'],
      suites: ['bookworm'],
      components: ['main', 'non-free-firmware'],
      signedBy: '/k.gpg',
      architectures: ['amd64', 'arm64'],
    },
    { types: ['deb-src'], uris: ['file:/srv/mirror/debian'], suites: ['bookworm'], components: ['main'] },
    { types: ['deb'], uris: ['file:/srv/mirror/debian-security'], suites: ['bookworm-security/updates'], components: ['main'] },
  ]);
});

const suiteCases: [string, boolean][] = [
  ['bookworm', true],
  ['bookworm-updates', true],
  ['bookworm-security', true],
  ['bullseye/updates', true],
  ['trixie', true],
  ['sid', true],
  ['nodistro', false],
  ['jammy', false],
  ['cloud-sdk-bookworm', false],
];
for (const [suite, expected] of suiteCases) {
  test(`isDebianSuite(${suite}) is ${expected}`, (t) => t.is(isDebianSuite(suite), expected));
}

test('debianOnly drops third-party entries', (t) => {
  const entries = parseOneLineSources(
    'deb file:/srv/vendor/apt cloud-sdk-bookworm main\ndeb file:/srv/mirror/debian bookworm main\n',
  );
  t.deepEqual(debianOnly(entries).map((e) => e.uris[0]), ['file:/srv/mirror/debian']);
});

test('readHostSources reads only *.list and *.sources files', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'imago-sources-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'etc/apt/sources.list.d'), { recursive: true });
  await writeFile(join(root, 'etc/apt/sources.list'), 'deb file:/srv/mirror/a bookworm main\n');
  await writeFile(join(root, 'etc/apt/sources.list.d/b.sources'), 'Types: deb\nURIs: file:/srv/mirror/b\nSuites: bookworm\nComponents: main\n');
  await writeFile(join(root, 'etc/apt/sources.list.d/c.list'), 'deb file:/srv/mirror/c trixie main\n');
  await writeFile(join(root, 'etc/apt/sources.list.d/d.list.disabled'), 'deb file:/srv/mirror/d bookworm main\n');
  await writeFile(join(root, 'etc/apt/sources.list.d/e.list'), 'deb file:/srv/vendor/e nodistro main\n');
  const entries = await readHostSources(root);
  t.deepEqual(entries.map((e) => e.uris[0]), ['file:/srv/mirror/a', 'file:/srv/mirror/b', 'file:/srv/mirror/c']);
});
