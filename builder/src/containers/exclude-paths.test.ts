import test from 'ava';
import { excludePatternProblem, pathExcluder } from './exclude-paths.ts';

const defaults: [string, boolean][] = [
  ['usr/share/doc/mosquitto/copyright', true],
  ['usr/share/man/man8/mosquitto.8.gz', true],
  ['usr/share/locale/de/LC_MESSAGES/libc.mo', true],
  ['usr/share/lintian/overrides/mosquitto', true],
  ['lib/systemd/system/mosquitto.service', true],
  ['etc/init.d/mosquitto', true],
  ['etc/logrotate.d/mosquitto', true],
  ['etc/rc2.d/S01mosquitto', true],
  ['usr/lib/x86_64-linux-gnu/pkgconfig/libmosquitto.pc', true],
  ['usr/lib/x86_64-linux-gnu/libfoo.a', true],
  ['usr/sbin/adduser', true],
  ['usr/sbin/mosquitto', false],
  ['etc/mosquitto/mosquitto.conf', false],
  ['usr/share/documents/x', false],
  ['usr/lib/x86_64-linux-gnu/libssl.so.3', false],
  ['etc/ssl/openssl.cnf', false],
];

for (const [path, excluded] of defaults) {
  test(`by default /${path} is ${excluded ? 'left out' : 'kept'}`, (t) => {
    t.is(pathExcluder()(path), excluded);
  });
}

test('a spec pattern adds to the defaults: * within a segment, ** across segments', (t) => {
  const excluded = pathExcluder(['/usr/bin/mosquitto_*', '/usr/lib/**/engines-3']);
  t.true(excluded('usr/bin/mosquitto_passwd'));
  t.false(excluded('usr/bin/mosquitto'));
  t.true(excluded('usr/lib/x86_64-linux-gnu/engines-3/afalg.so'), 'a folder takes what is below it');
  t.false(excluded('usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so'));
});

test('!pattern takes back what a default left out; the last match decides', (t) => {
  const excluded = pathExcluder(['!/usr/share/locale/de/**', '/usr/share/locale/de/LC_MESSAGES/x.mo']);
  t.false(excluded('usr/share/locale/de/LC_MESSAGES/libc.mo'));
  t.true(excluded('usr/share/locale/de/LC_MESSAGES/x.mo'));
  t.true(excluded('usr/share/locale/fr/LC_MESSAGES/libc.mo'));
});

test('regular-expression characters in a pattern are literal', (t) => {
  const excluded = pathExcluder(['/opt/a+b(c)']);
  t.true(excluded('opt/a+b(c)/x'));
  t.false(excluded('opt/aab(c)/x'));
});

const badPatterns: [string, RegExp][] = [
  ['usr/share/doc', /expected an absolute path pattern such as \/usr\/share\/doc or !\/usr\/share\/locale\/de, got "usr\/share\/doc"/],
  ['!usr/share', /expected an absolute path pattern/],
  ['/usr/../etc', /expected a path without "\.\.", got "\/usr\/\.\.\/etc"/],
];
for (const [pattern, message] of badPatterns) {
  test(`the pattern "${pattern}" is refused with what was expected`, (t) => {
    t.regex(excludePatternProblem(pattern) ?? '', message);
  });
}
