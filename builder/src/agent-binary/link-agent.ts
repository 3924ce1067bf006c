/**
 * The last step of the agent binary: agent-main.c, the imago:native and
 * imago:tls modules and the bytecode, linked statically with QuickJS and
 * mbed TLS. Apart from linkInit because the init must never link TLS.
 */
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { linkProgram } from '../init-binary/link-program.ts';
import type { RuntimeLibrary } from '../init-binary/runtime-library.ts';
import type { Optimize } from '../init-binary/runtime-flags.ts';
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
 * The static, stripped agent for `target`, cached under
 * `<cacheRoot>/runtime/agent-<triplet>-<key>/agent`; mbed TLS is linked after QuickJS.
 */
export function linkAgent(options: LinkAgentOptions): Promise<Uint8Array> {
  const { mbedtls, mbedtlsDir } = options;
  return linkProgram({
    ...options,
    name: 'agent',
    sources: agentSources,
    headers: agentHeaders,
    extra: { key: mbedtls.key, path: mbedtls.path, cflags: mbedtlsConfigFlags(mbedtlsDir), dirs: { [mbedtlsDir]: 'mbedtls', [mbedtlsConfigDir]: 'native/tls' } },
  });
}
