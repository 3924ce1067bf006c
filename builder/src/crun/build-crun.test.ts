/**
 * crun compiled from Debian 12's source is a static program for the target,
 * with libcap in it and seccomp left out. For the architectures under test
 * (x86_64 and mips in `make test`, all eight with IMAGO_TEST_ARCH=all); it
 * runs here only for x86_64, the build host's own: crun's first act (a
 * constructor, against CVE-2019-5736) copies /proc/self/exe into a sealed
 * memfd and re-executes it, and under qemu-user that file is QEMU itself.
 * (On a read-only root, as in every imago image, crun skips the copy.)
 * Running containers with it is the edge QEMU test's job, on x86_64 and mips.
 * Needs the network for the first download and the cross compilers. Skipped
 * with IMAGO_SKIP_NATIVE=1, like the other native tests.
 */
import test from 'ava';
import { execFile as execFileCb } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testArches } from '../../../qemu-tests/test-arches.ts';
import { getTarget } from '../../../targets/index.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { silentProgress } from '../progress.ts';
import { buildCrun, compileCrun } from './build-crun.ts';
import { crunRelease } from './crun-recipe.ts';

const execFile = promisify(execFileCb);
const nativeTest = process.env.IMAGO_SKIP_NATIVE !== '1' ? test : test.skip;
const work = mkdtempSync(join(tmpdir(), 'imago-crun-'));
test.after.always(() => rmSync(work, { recursive: true, force: true }));

for (const target of testArches().map(getTarget)) {
  const elf = `ELF ${target.elf.class}-bit ${target.elf.endian} executable`;
  nativeTest(`crun built from Debian source for ${target.name} is a static ${elf}${target.name === 'x86_64' ? ' that runs, with capabilities and without seccomp' : ''}`, async (t) => {
    t.timeout(20 * 60_000);
    const started = Date.now();
    const crun = await buildCrun(target, { progress: silentProgress });
    t.log(`${target.name}: ${crun.cached ? 'from the cache' : 'compiled'} in ${((Date.now() - started) / 1000).toFixed(0)} s, ${(crun.binary.length / 1e6).toFixed(2)} MB`);
    const path = join(work, `crun-${target.name}`);
    writeFileSync(path, crun.binary, { mode: 0o755 });
    const { stdout: kind } = await execFile('file', ['-b', path], { encoding: 'utf8' });
    t.true(kind.startsWith(`${elf},`), kind);
    t.regex(kind, /statically linked/);
    if (target.name !== 'x86_64') return;
    const { stdout: version } = await execFile(path, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    const upstream = crun.sources.find((source) => source.sourcePackage === 'crun')!.version.replace(/-[^-]+$/, '');
    t.true(version.startsWith(`crun version ${upstream}\n`), version);
    t.regex(version, /\+CAP\b/);
    t.notRegex(version, /SECCOMP/);
  });
}

// A few minutes on two cores, so only where mips64 is tested (IMAGO_TEST_ARCH=mips64 or all).
(testArches().includes('mips64') ? nativeTest : test.skip)('two compiles of crun for mips64 in different folders give the same program', async (t) => {
  t.timeout(30 * 60_000);
  const cached = await buildCrun(mips64, { progress: silentProgress });
  const sources = { crun: await fetchDebianSource('crun', { release: crunRelease }), libcap: await fetchDebianSource('libcap2', { release: crunRelease }) };
  await compileCrun(mips64, sources, join(work, 'again'), silentProgress);
  t.true(Buffer.from(cached.binary).equals(readFileSync(join(work, 'again', 'crun'))));
});
