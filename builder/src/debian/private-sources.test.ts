import test from 'ava';
import { parseDeb822Sources } from './host-sources.ts';
import { derivePrivateSources, renderSources } from './private-sources.ts';

const host = parseDeb822Sources(`Types: deb
URIs: file:/srv/mirror/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: file:/srv/mirror/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: file:/srv/mirror/debian
Suites: trixie
Components: main
`);

test('binary entries for bookworm, its updates and security, pinned to the arch', (t) => {
  const text = renderSources(derivePrivateSources(host, { arch: 'arm64' }));
  t.is(
    text,
    'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] file:/srv/mirror/debian bookworm main\n' +
      'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] file:/srv/mirror/debian bookworm-updates main\n' +
      'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] file:/srv/mirror/debian-security bookworm-security main\n',
  );
});

test('deb-src for another release comes from the main mirror', (t) => {
  const sources = derivePrivateSources(host, { arch: 'amd64', binary: false, sourceRelease: 'trixie' });
  t.deepEqual(sources, [
    {
      type: 'deb-src',
      uri: 'file:/srv/mirror/debian',
      suite: 'trixie',
      components: ['main'],
      signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
    },
  ]);
});

test('a host without a bookworm entry is an error that says what to do', (t) => {
  const error = t.throws(() => derivePrivateSources([], { arch: 'amd64' }));
  t.regex(error!.message, /no "deb" entry for Debian bookworm/);
});

test('skipped suites are left out of the binary entries', (t) => {
  const suites = derivePrivateSources(host, { arch: 'armhf', skipSuites: ['bookworm-security'] }).map((source) => source.suite);
  t.deepEqual(suites, ['bookworm', 'bookworm-updates']);
});
