/**
 * Compiles containerd (ctr in its program), its shim, crun and the CNI plugins from Debian's
 * sources for mips and mips64 (the cache makes a second run take seconds; a
 * cold one about 4-5 minutes per architecture on two cores), then checks each
 * binary with `file` and runs the Go ones under qemu-user (crun cannot run
 * there: crun/build-crun.test.ts says why). Needs the network for the
 * first download, the cross compilers and qemu-user-static. Skipped with
 * IMAGO_SKIP_NATIVE=1, like the other native tests.
 */
import test from 'ava';
import { execFile as execFileCb } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { mips } from '../../../targets/mips.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { testArches } from '../../../qemu-tests/test-arches.ts';
import type { Target } from '../../../targets/types.ts';
import { silentProgress } from '../progress.ts';
import { buildContainerRuntime, type BuiltContainerRuntime } from './runtime-from-source.ts';
import { upstreamVersion } from './runtime-recipe.ts';

const execFile = promisify(execFileCb);
const enabled = process.env.IMAGO_SKIP_NATIVE !== '1';
const nativeTest = enabled ? test : test.skip;
const work = mkdtempSync(join(tmpdir(), 'imago-container-runtime-'));

test.after.always(() => rmSync(work, { recursive: true, force: true }));

/** Writes the runtime's files and links into `work/<arch>/` as the image has them, and returns each file's path by image path. */
function writeOut(target: Target, runtime: BuiltContainerRuntime): Map<string, string> {
  const paths = new Map<string, string>();
  for (const file of runtime.files) {
    const path = join(work, target.name, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.data, { mode: 0o755 });
    paths.set(file.path, path);
  }
  for (const link of runtime.links) symlinkSync(link.target, join(work, target.name, link.path));
  return paths;
}

async function runUnderQemu(target: Target, binary: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<string> {
  const child = execFile(target.qemu.userBinary, [binary, ...args], { timeout: 60_000, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } });
  if (input !== undefined) child.child.stdin!.end(input);
  const { stdout } = await child;
  return stdout;
}

// mips in `make test` (IMAGO_TEST_ARCH's default); mips64 too with IMAGO_TEST_ARCH=mips64 or all (`make test-matrix`).
for (const target of [mips, mips64].filter((target) => testArches().includes(target.name))) {
  nativeTest(`containerd, shim, ctr, crun and CNI plugins built from Debian source for ${target.name} are static ${target.elf.class}-bit big-endian MIPS, the Go ones run under qemu-user`, async (t) => {
    t.timeout(20 * 60_000);
    const started = Date.now();
    const runtime = await buildContainerRuntime(target, { privateNetwork: true, progress: silentProgress });
    t.log(`${target.name}: ${runtime.cached ? 'from the cache' : 'compiled'} in ${((Date.now() - started) / 1000).toFixed(0)} s; ${runtime.files.map((file) => `${file.path} ${(file.data.length / 1e6).toFixed(1)} MB`).join(', ')}`);
    const paths = writeOut(target, runtime);
    t.deepEqual([...paths.keys()], ['/usr/bin/containerd', '/usr/bin/containerd-shim-runc-v2', '/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback', '/usr/bin/crun']);
    t.deepEqual(runtime.links, [{ path: '/usr/bin/ctr', target: 'containerd' }]);
    for (const [imagePath, path] of paths) {
      const { stdout } = await execFile('file', ['-b', path], { encoding: 'utf8' });
      t.regex(stdout, new RegExp(`^ELF ${target.elf.class}-bit MSB executable, MIPS, .*statically linked`), imagePath);
    }
    const version = (source: string) => runtime.sources.find((entry) => entry.sourcePackage === source)!.version;
    const containerd = version('containerd');
    const run = (imagePath: string, args: string[], env?: NodeJS.ProcessEnv, input?: string) => runUnderQemu(target, paths.get(imagePath)!, args, env, input);

    t.is((await run('/usr/bin/containerd', ['--version'])).trim(), `containerd github.com/containerd/containerd ${upstreamVersion(containerd)} ${containerd}`);
    // Through the symlink, as run-container calls it: qemu-user passes the name it was given as argv[0].
    t.is((await runUnderQemu(target, join(work, target.name, '/usr/bin/ctr'), ['--version'])).trim(), `ctr github.com/containerd/containerd ${upstreamVersion(containerd)}`);
    t.regex(await run('/usr/bin/containerd-shim-runc-v2', ['-v']), new RegExp(`Version:\\s+${escape(upstreamVersion(containerd))}\\n\\s+Revision:\\s+${escape(containerd)}\\n\\s+Go version: go1\\.19`));
    for (const plugin of ['bridge', 'host-local', 'loopback']) {
      const answer = JSON.parse(await run(`/usr/lib/cni/${plugin}`, [], { CNI_COMMAND: 'VERSION' }, '{}'));
      t.true(answer.supportedVersions.includes('1.0.0'), `${plugin} speaks CNI 1.0.0: ${JSON.stringify(answer)}`);
    }
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
