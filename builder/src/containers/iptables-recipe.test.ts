import test from 'ava';
import { mips } from '../../../targets/mips.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { x86_64 } from '../../../targets/x86_64.ts';
import { iptablesCflags, iptablesConfigureFlags, iptablesLayout, iptablesRecipeFingerprint } from './iptables-recipe.ts';

test('configure cross-compiles a static iptables with the legacy backend and nothing that needs another library', (t) => {
  const flags = iptablesConfigureFlags(mips);
  t.is(flags[0], '--host=mips-linux-gnu');
  t.is(iptablesConfigureFlags(mips64)[0], '--host=mips64-linux-gnuabi64');
  for (const flag of ['--enable-static', '--disable-shared', '--disable-nftables', '--disable-connlabel', '--disable-libipq', '--disable-devel']) t.true(flags.includes(flag), flag);
  t.true(flags.includes('--sbindir=/usr/sbin'), 'installs where Debian does');
});

test('CFLAGS map the source and build folders away, so the binary names neither', (t) => {
  const cflags = iptablesCflags(mips, { source: '/cache/src/iptables-1.8.9-2', build: '/cache/iptables/tmp-1/build' });
  t.is(cflags, '-O2 -ffile-prefix-map=/cache/src/iptables-1.8.9-2=iptables -ffile-prefix-map=/cache/iptables/tmp-1/build=iptables');
});

test('the layout is Debian\'s: iptables-legacy names on the multi binary, and each command through /etc/alternatives', (t) => {
  t.is(iptablesLayout.binary, '/usr/sbin/xtables-legacy-multi');
  const links = new Map(iptablesLayout.links.map((link) => [link.path, link.target]));
  for (const name of ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore']) {
    const legacy = name.replace(/^(ip6?tables)/, '$1-legacy');
    t.is(links.get(`/usr/sbin/${name}`), `/etc/alternatives/${name}`, name);
    t.is(links.get(`/etc/alternatives/${name}`), `/usr/sbin/${legacy}`, name);
    t.is(links.get(`/usr/sbin/${legacy}`), 'xtables-legacy-multi', legacy);
  }
  t.is(links.size, 18);
});

test('the recipe fingerprint differs by target, so no two targets share a cache entry', (t) => {
  t.not(iptablesRecipeFingerprint(mips), iptablesRecipeFingerprint(mips64));
  t.not(iptablesRecipeFingerprint(mips), iptablesRecipeFingerprint(x86_64));
  t.is(iptablesRecipeFingerprint(mips), iptablesRecipeFingerprint({ ...mips }));
});
