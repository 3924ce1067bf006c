/**
 * OpenSSL compiled from Debian 12's source is reproducible: a second compile
 * for mips64 in another folder gives the same libraries as the cached one.
 * A few minutes each on two cores, so only where mips64 is tested
 * (IMAGO_TEST_ARCH=mips64 or all, `make test-matrix`); `make test` links it
 * into mosquitto and checks TLS there (containers/build-mosquitto.test.ts).
 * Skipped with IMAGO_SKIP_NATIVE=1, like the other native tests.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testArches } from '../../../qemu-tests/test-arches.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { silentProgress } from '../progress.ts';
import { buildOpenssl, compileOpenssl, extraLibsOf } from './build-openssl.ts';
import { opensslLibraries, opensslRelease } from './openssl-recipe.ts';

const nativeTest = process.env.IMAGO_SKIP_NATIVE !== '1' && testArches().includes('mips64') ? test : test.skip;
const work = mkdtempSync(join(tmpdir(), 'imago-openssl-'));
test.after.always(() => rmSync(work, { recursive: true, force: true }));

test("a program links the target's libraries after OpenSSL's (-latomic where 64-bit atomics are library calls), each once", (t) => {
  t.deepEqual(extraLibsOf('CC=gcc\nEX_LIBS=-lz\nCNF_EX_LIBS=-ldl -pthread -latomic\n'), ['-ldl', '-pthread', '-latomic', '-lz']);
  t.deepEqual(extraLibsOf('EX_LIBS= \nCNF_EX_LIBS=-ldl -pthread\nLIB_EX_LIBS=$(CNF_EX_LIBS) $(EX_LIBS)\n'), ['-ldl', '-pthread']);
  t.deepEqual(extraLibsOf(''), []);
});

nativeTest('two compiles of OpenSSL for mips64 in different folders give byte-identical libraries and headers', async (t) => {
  t.timeout(40 * 60_000);
  const cached = await buildOpenssl(mips64, { progress: silentProgress });
  const source = await fetchDebianSource('openssl', { release: opensslRelease });
  await compileOpenssl(mips64, source, work, silentProgress);
  for (const library of opensslLibraries) t.true(readFileSync(join(cached.libDir, library)).equals(readFileSync(join(work, 'lib', library))), library);
  for (const header of ['configuration.h', 'opensslv.h', 'ssl.h']) t.true(readFileSync(join(cached.includeDir, 'openssl', header)).equals(readFileSync(join(work, 'include', 'openssl', header))), header);
});
