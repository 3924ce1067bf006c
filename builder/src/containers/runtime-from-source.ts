/**
 * containerd (with ctr in its program), its shim, crun and the CNI plugins for a target Debian has
 * no binaries for (mips, mips64) or a spec that asks, compiled from Debian
 * 12's sources: the Go programs with Debian 12's Go (see runtime-recipe.ts for
 * the choices and why), crun with the cross gcc (crun/build-crun.ts). Each
 * source package's binaries are cached under `<cache>/container-runtime/` by
 * target, recipe, source version, toolchain and Go dependencies: only the
 * first build pays the compile.
 *
 *   const runtime = await buildContainerRuntime(mips, { privateNetwork: false, progress });
 *   runtime.files;  // [{ path: '/usr/bin/containerd', data }, ..., { path: '/usr/bin/crun', data }]
 *   runtime.links;  // [{ path: '/usr/bin/ctr', target: 'containerd' }]
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { fetchDebianSource, type DebianSource } from '../debian/source.ts';
import { goHostEnv, openGoWorkspace, type GoWorkspace } from '../go/go-workspace.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { run } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import { buildCrun } from '../crun/build-crun.ts';
import { crunPath } from '../crun/crun-recipe.ts';
import { commandBinary, goLdflags, goTargetEnv, recipeFingerprint, runtimePrograms, runtimeSourceRelease, type GoProgramSet } from './runtime-recipe.ts';

/** Bump when the build below changes in a way that changes the output. */
const recipeVersion = '1';

/** The compiled runtime, as files at their image paths. */
export interface BuiltContainerRuntime {
  files: { path: string; data: Uint8Array }[];
  /** The OCI runtime containerd's shim is to run in runc's place (`ctr run --runc-binary`): crun. */
  ociRuntime: string;
  /** Symlinks at their image paths, to a file of `files` (ctr to containerd). */
  links: { path: string; target: string }[];
  /** Source package and version of each compiled set, for the manifest. */
  sources: { sourcePackage: string; version: string }[];
  /** `go1.19.8`. */
  goVersion: string;
  cached: boolean;
}

/**
 * Returns the runtime for `target`, compiling what the cache lacks: containerd
 * about 3-5 minutes on two cores, crun and the plugins about one. Throws naming
 * the source package and the compiler's last lines.
 */
export async function buildContainerRuntime(target: Target, options: { privateNetwork: boolean; progress: Progress }): Promise<BuiltContainerRuntime> {
  const { progress } = options;
  const env = goTargetEnv(target);
  const sets = runtimePrograms({ privateNetwork: options.privateNetwork });
  // One workspace for every set an image may need, so adding a private network does not recompile containerd.
  const go = await openGoWorkspace(runtimePrograms({ privateNetwork: true }).map((set) => set.source), { progress });
  const files: BuiltContainerRuntime['files'] = [];
  const links: BuiltContainerRuntime['links'] = [];
  const sources: BuiltContainerRuntime['sources'] = [];
  let cached = true;
  for (const set of sets) {
    const source = await fetchDebianSource(set.source, { release: runtimeSourceRelease, progress });
    // Each set is cached on its own: containerd is the same with or without the CNI plugins beside it.
    const key = cacheKey('container-runtime', recipeVersion, recipeFingerprint(target, [set]), source.version, go.goVersion, ...go.packages);
    const { dir, hit } = await cachedDir(join(cacheRoot(), 'container-runtime', `${target.name}-${set.source}-${key}`), async (work) => {
      const gopath = join(work, 'gopath');
      await buildSet(set, source, { go, gopath, env, out: join(work, 'root', set.installTo), target: target.name, progress });
      await rm(gopath, { recursive: true, force: true });
    });
    if (hit) {
      progress.step(`${set.commands.map((command) => commandBinary(command)).join(', ')} for ${target.name} from the cache`);
      progress.done();
    }
    cached &&= hit;
    for (const command of set.commands) {
      const path = `${set.installTo}/${commandBinary(command)}`;
      files.push({ path, data: await readFile(join(dir, 'root', path)) });
    }
    for (const link of set.links ?? []) links.push({ path: `${set.installTo}/${link.name}`, target: link.target });
    sources.push({ sourcePackage: set.source, version: source.version });
  }
  const crun = await buildCrun(target, { progress });
  files.push({ path: crunPath, data: crun.binary });
  sources.push(...crun.sources);
  return { files, ociRuntime: crunPath, links, sources, goVersion: go.goVersion, cached: cached && crun.cached };
}

interface SetBuild {
  go: GoWorkspace;
  gopath: string;
  env: Record<string, string>;
  out: string;
  target: string;
  progress: Progress;
}

/** Copies one source into the GOPATH, as dh-golang does, and builds its commands into `out`. */
async function buildSet(set: GoProgramSet, source: DebianSource, build: SetBuild): Promise<void> {
  const { go, gopath, progress } = build;
  const tree = join(gopath, 'src', set.importPath);
  await mkdir(dirname(tree), { recursive: true });
  // A copy, never the cached source itself: a build must not change what the next one reads.
  await cp(source.dir, tree, { recursive: true, verbatimSymlinks: true });
  for (const file of set.addFiles ?? []) await writeFile(join(tree, file.path), file.contents);
  await mkdir(build.out, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...goHostEnv(),
    ...build.env,
    GOOS: 'linux',
    GOPATH: `${gopath}:${go.gocode}`,
    GO111MODULE: 'off',
    // Shared by every build: Go's cache is keyed by content, so it never changes an output, only saves time.
    GOCACHE: join(cacheRoot(), 'go-build'),
    GOFLAGS: '',
    CGO_ENABLED: '0',
    SOURCE_DATE_EPOCH: '0',
  };
  const packages = set.commands.map((command) => `./${command}`);
  const tags = set.tags.length > 0 ? ['-tags', set.tags.join(' ')] : [];
  const names = set.commands.map((command) => commandBinary(command)).join(', ');
  try {
    // The dependency count makes the progress bar: go build -v names each package it compiles.
    const { stdout } = await run(go.goBinary, ['list', '-deps', ...tags, ...packages], { cwd: tree, env });
    const total = stdout.toString('utf8').trim().split('\n').length;
    progress.step(`build ${names} (${set.source} ${source.version}) for ${build.target}`);
    let compiled = 0;
    await run(go.goBinary, ['build', '-v', '-trimpath', ...tags, '-ldflags', goLdflags(set, source.version), '-o', `${build.out}/`, ...packages], {
      cwd: tree,
      env,
      onLine: (line) => {
        if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line.trim())) progress.update(Math.min(++compiled, total), total, line.trim());
      },
    });
  } catch (error) {
    throw new Error(`failed to build ${names} from Debian's ${set.source} ${source.version} for ${build.target}`, { cause: error });
  }
  const built = await readdir(build.out);
  for (const command of set.commands) {
    if (!built.includes(commandBinary(command))) throw new Error(`go build of ${set.source} wrote no ${commandBinary(command)} into ${build.out}`);
  }
  progress.done();
}
