/**
 * Compiles iptables from Debian's source for the architectures under test
 * (x86_64 and mips in `make test`, all eight with IMAGO_TEST_ARCH=all; a cold
 * build takes about a minute per architecture on two idle cores, up to ten on
 * a loaded host, and the edge QEMU test reuses it from the cache), checks the
 * binary with `file`, runs it under qemu-user by each name an image uses, and
 * for mips and mips64 compiles it a second time in another folder to compare
 * the bytes. Needs the network for the first download, the cross compilers
 * and qemu-user-static. Skipped with IMAGO_SKIP_NATIVE=1, like the other
 * native tests.
 */
import test from 'ava';
import { execFile as execFileCb } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getTarget } from '../../../targets/index.ts';
import { mips } from '../../../targets/mips.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { testArches } from '../../../qemu-tests/test-arches.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { silentProgress } from '../progress.ts';
import { buildIptables, compileIptables } from './iptables-from-source.ts';
import { iptablesSourcePackage, iptablesSourceRelease } from './iptables-recipe.ts';

const execFile = promisify(execFileCb);
const enabled = process.env.IMAGO_SKIP_NATIVE !== '1';
const nativeTest = enabled ? test : test.skip;
const work = mkdtempSync(join(tmpdir(), 'imago-iptables-'));

test.after.always(() => rmSync(work, { recursive: true, force: true }));

for (const target of testArches().map(getTarget)) {
  const elf = `ELF ${target.elf.class}-bit ${target.elf.endian} executable`;
  nativeTest(`iptables built from Debian source for ${target.name} is a static ${elf} that answers as iptables, iptables-save and ip6tables under qemu-user`, async (t) => {
    t.timeout(20 * 60_000);
    const started = Date.now();
    const iptables = await buildIptables(target, { progress: silentProgress });
    t.log(`${target.name}: ${iptables.cached ? 'from the cache' : 'compiled'} in ${((Date.now() - started) / 1000).toFixed(0)} s; ${iptables.path} ${(iptables.binary.length / 1e6).toFixed(2)} MB`);
    // Lay the files out as the image does, so the names resolve through the alternatives links.
    const root = join(work, target.name);
    mkdirSync(join(root, 'usr/sbin'), { recursive: true });
    mkdirSync(join(root, 'etc/alternatives'), { recursive: true });
    writeFileSync(join(root, iptables.path), iptables.binary, { mode: 0o755 });
    for (const link of iptables.links) symlinkSync(link.target.startsWith('/') ? join(root, link.target) : link.target, join(root, link.path));

    const { stdout: kind } = await execFile('file', ['-b', join(root, iptables.path)], { encoding: 'utf8' });
    t.true(kind.startsWith(`${elf},`), kind);
    t.regex(kind, /statically linked/);
    t.notRegex(kind, /not stripped/);
    const run = async (name: string, args: string[]) => (await execFile(target.qemu.userBinary, [join(root, 'usr/sbin', name), ...args], { timeout: 60_000, encoding: 'utf8' })).stdout;
    t.is((await run('iptables', ['--version'])).trim(), 'iptables v1.8.9 (legacy)');
    t.is((await run('ip6tables', ['--version'])).trim(), 'ip6tables v1.8.9 (legacy)');
    // The bridge plugin's MASQUERADE rule: parsing it needs the statically linked extensions (no dlopen).
    const help = await run('iptables', ['-j', 'MASQUERADE', '-m', 'comment', '--help']);
    t.regex(help, /MASQUERADE target options/);
    t.regex(help, /comment match options/);
    t.regex(await run('iptables-save', ['--help']).catch((error: { stdout?: string; stderr?: string }) => `${error.stdout}${error.stderr}`), /iptables-save/);
  });
}

// The recipe is the same for every target, so the slow cross builds prove it: mips in `make test`, mips64 with IMAGO_TEST_ARCH=mips64 or all.
for (const target of [mips, mips64].filter((target) => testArches().includes(target.name))) {
  nativeTest(`two builds of iptables for ${target.name} in different folders give the same bytes`, async (t) => {
    t.timeout(20 * 60_000);
    const source = await fetchDebianSource(iptablesSourcePackage, { release: iptablesSourceRelease });
    const cached = await buildIptables(target, { progress: silentProgress });
    const again = join(work, `${target.name}-again-${Date.now()}`);
    await compileIptables(target, source, again, silentProgress);
    t.true(Buffer.from(cached.binary).equals(readFileSync(join(again, 'xtables-legacy-multi'))), 'the rebuild matches the cached binary byte for byte');
  });
}
