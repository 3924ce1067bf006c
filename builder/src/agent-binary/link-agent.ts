/**
 * The last step of the agent binary: agent-main.c, the imago:native and
 * imago:tls modules and the bytecode, linked statically with QuickJS and
 * mbed TLS. Apart from linkInit because the init must never link TLS.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { cacheKey, cacheRoot, sha256 } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compileAll, compilerVersion } from '../io/compiler.ts';
import { nativeDir } from '../init-binary/link-init.ts';
import type { RuntimeLibrary } from '../init-binary/runtime-library.ts';
import { type Optimize, prefixMap, runtimeCflags, targetCompiler } from '../init-binary/runtime-flags.ts';
import { mbedtlsConfigDir, mbedtlsConfigFlags, type MbedtlsLibrary } from './build-mbedtls.ts';

const agentSources = ['agent-main.c', 'imago-native.c', 'imago-hash.c', 'imago-spawn.c', 'imago-tls.c'];
const agentHeaders = ['imago-native.h', 'imago-hash.h', 'imago-spawn.h', 'imago-tls.h'];

export interface LinkAgentOptions {
  target: Target;
  quickjsDir: string;
  mbedtlsDir: string;
  library: RuntimeLibrary;
  mbedtls: MbedtlsLibrary;
  /** C source of the bytecode, from compileBytecode with name `agent`. */
  bytecodeC: string;
  optimize: Optimize;
  progress: Progress;
}

/**
 * Compiles and links the agent for `target` into one static, stripped
 * executable, cached under `<cacheRoot>/runtime/agent-<triplet>-<key>/agent`
 * by a key of every input; byte-identical for identical inputs (prefix maps,
 * no dates, stripped).
 *
 * Throws a CommandError when gcc fails.
 */
export async function linkAgent(options: LinkAgentOptions): Promise<Uint8Array> {
  const { target, quickjsDir, mbedtlsDir, library, mbedtls, progress } = options;
  const cc = targetCompiler(target);
  const cflags = [
    ...runtimeCflags(target, options.optimize),
    '-Wall',
    '-Wno-unused-parameter',
    '-I', quickjsDir,
    '-I', nativeDir,
    ...mbedtlsConfigFlags(mbedtlsDir),
  ];
  const ldflags = ['-static', '-Wl,--gc-sections', '-s'];
  const libs = ['-lm', '-lpthread', '-ldl', ...target.libs];
  const sourceHashes = await Promise.all(
    [...agentSources, ...agentHeaders].map(async (name) => `${name}:${sha256(await readFile(join(nativeDir, name)))}`),
  );
  const key = cacheKey(
    'agent',
    library.key,
    mbedtls.key,
    sha256(options.bytecodeC),
    ...sourceHashes,
    await compilerVersion(cc),
    ...cflags.filter((flag) => flag !== quickjsDir && !flag.startsWith(mbedtlsDir) && flag !== mbedtlsConfigDir),
    ...ldflags,
    ...libs,
  );
  const dir = join(cacheRoot(), 'runtime', `agent-${target.triplet}-${key}`);
  progress.step(`link agent (${target.name})`);
  const { hit } = await cachedDir(dir, async (work) => {
    await writeFile(join(work, 'agent_bytecode.c'), options.bytecodeC);
    const sources = [...agentSources.map((name) => join(nativeDir, name)), join(work, 'agent_bytecode.c')];
    const objects = sources.map((source) => join(work, source.replace(/^.*\//, '').replace(/\.c$/, '.o')));
    const mapped = [...cflags, prefixMap(nativeDir, 'native'), prefixMap(quickjsDir, 'quickjs'), prefixMap(mbedtlsDir, 'mbedtls'), prefixMap(work, 'build')];
    await compileAll(cc, sources.map((source, i) => ({ source, output: objects[i]!, flags: mapped })), progress);
    // Our objects first, then the libraries they use; mbed TLS uses nothing of QuickJS.
    await run(cc, [...ldflags, '-o', join(work, 'agent'), ...objects, library.path, mbedtls.path, ...libs]);
  });
  progress.done(hit ? 'cached' : 'linked');
  return new Uint8Array(await readFile(join(dir, 'agent')));
}
