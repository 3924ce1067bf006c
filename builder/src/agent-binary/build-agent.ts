/**
 * The fleet agent binary, start to finish: a second static QuickJS program
 * next to the init, with mbed TLS. It reuses the init's steps (esbuild,
 * qjsc, the QuickJS library, the big-endian target qjsc) with other names,
 * so the two programs always run the same engine.
 */
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { compileInitScript } from '../init-binary/esbuild-init.ts';
import { compileBytecode } from '../init-binary/compile-bytecode.ts';
import { buildHostQjsc } from '../init-binary/host-qjsc.ts';
import { buildRuntimeLibrary } from '../init-binary/runtime-library.ts';
import { buildTargetQjsc } from '../init-binary/target-qjsc.ts';
import type { Optimize } from '../init-binary/runtime-flags.ts';
import { buildMbedtls } from './build-mbedtls.ts';
import { fetchMbedtlsSource } from './mbedtls-source.ts';
import { linkAgent } from './link-agent.ts';

/** The agent's entry point, relative to the repository root (written by the agent's own work). */
export const defaultAgentEntry = 'init/src/agent/main.ts';

export interface BuildAgentOptions {
  target: Target;
  /** An unpacked QuickJS source tree, the same one the init is built from. */
  quickjsDir: string;
  /** An unpacked mbed TLS tree (default: fetched from Debian, see mbedtls-source.ts). */
  mbedtlsDir?: string;
  mbedtlsVersion?: string;
  /** Entry file, absolute or relative to the repository root (default `init/src/agent/main.ts`). */
  entry?: string;
  /** gcc optimisation (default `O2`, as the init: both then share one cached QuickJS library). */
  optimize?: Optimize;
  progress: Progress;
}

export interface AgentBuild {
  /** The static, stripped agent executable for the target. */
  binary: Uint8Array;
  /** Debian's version of the mbed TLS source, e.g. `3.6.6-0.1~deb13u1`; for the image manifest. */
  mbedtlsVersion: string;
  scriptBytes: number;
}

/**
 * Builds the agent for one target: esbuild with `imago:tls` left to the
 * binary, qjsc to bytecode `agent_bytecode` (a target qjsc under QEMU for
 * big-endian targets, for the reason in target-qjsc.ts), the QuickJS and
 * mbed TLS libraries (cached), and the static link.
 *
 *   const { binary } = await buildAgent({ target: mips, quickjsDir, progress });
 *
 * Throws esbuild's error for TypeScript problems and a CommandError for
 * failing host commands.
 */
export async function buildAgent(options: BuildAgentOptions): Promise<AgentBuild> {
  const { target, quickjsDir, progress } = options;
  const optimize = options.optimize ?? 'O2';
  const source = options.mbedtlsDir
    ? { dir: options.mbedtlsDir, version: options.mbedtlsVersion ?? 'unknown' }
    : await fetchMbedtlsSource(progress);
  progress.step('compile agent script (esbuild)');
  const script = await compileInitScript({ entry: options.entry ?? defaultAgentEntry, nativeModules: ['imago:tls'] });
  progress.done(`${script.length} bytes`);
  // Sequential on purpose: each step already compiles on every core.
  const qjsc = await buildHostQjsc({ quickjsDir, progress });
  const library = await buildRuntimeLibrary({ target, quickjsDir, optimize, progress });
  const mbedtls = await buildMbedtls({ target, mbedtlsDir: source.dir, optimize, progress });
  const compiler = target.elf.endian === 'MSB' ? await buildTargetQjsc({ target, quickjsDir, library, progress }) : qjsc;
  progress.step('compile agent to bytecode');
  const bytecodeC = await compileBytecode({ qjsc: compiler, source: script, name: 'agent', cModules: ['imago:tls,imago_tls'] });
  progress.done();
  const binary = await linkAgent({ target, quickjsDir, mbedtlsDir: source.dir, library, mbedtls, bytecodeC, optimize, progress });
  return { binary, mbedtlsVersion: source.version, scriptBytes: script.length };
}
