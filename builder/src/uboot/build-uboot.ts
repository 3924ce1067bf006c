/**
 * Builds U-Boot for a board from Debian 12's `u-boot` source package: the
 * board's defconfig, our fragments (`config/`) and the generated boot commands
 * merged over it, `make olddefconfig`, a check that every requested option
 * survived, then the firmware and its default environment
 * (`u-boot-initial-env`). Cached by source version, defconfig, fragments,
 * compiler and time stamp: a second build takes a moment.
 *
 *   const uboot = await buildUboot(ubootBoard('armv7'), { sourceDateEpoch: 0, progress });
 *   uboot.firmware;     // u-boot.bin, for qemu-system-arm -M virt -bios
 *   uboot.initialEnv;   // name=value lines: the built-in environment
 *
 * Reproducible: SOURCE_DATE_EPOCH becomes the banner's date, and the image
 * holds no build paths (the source and build folders appear nowhere in it).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTarget } from '../../../targets/index.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compilerVersion } from '../io/compiler.ts';
import { run } from '../io/exec.ts';
import { droppedOptions, parseConfig, renderConfig, type KernelConfig } from '../kernel/config-fragment.ts';
import { kbuildProgress } from '../kernel/kbuild-progress.ts';
import type { Progress } from '../progress.ts';
import type { UbootBoard } from './boards.ts';
import { ubootConfigLines } from './boot-script.ts';
import { patchedSource, readUbootPatches } from './patched-source.ts';

/** Debian 12's U-Boot (2023.01), the release our other sources come from. */
export const ubootRelease = 'bookworm';

/** Bump when the recipe below changes in a way that changes the output. */
const recipeVersion = '1';

/** This folder's `config/`, the fragments. */
export const ubootConfigDir = fileURLToPath(new URL('./config/', import.meta.url));

export interface BuildUbootOptions {
  /** Seconds since 1970 U-Boot shows as its build time, for reproducible firmware. */
  sourceDateEpoch: number;
  progress: Progress;
}

/** U-Boot built for one board. */
export interface BuiltUboot {
  /** The source package's version, e.g. `2023.01+dfsg-2+deb12u3`. */
  version: string;
  /** The file QEMU's `-bios` loads (board.image). */
  firmware: Uint8Array;
  /** The built-in default environment, one `name=value` a line. */
  initialEnv: string;
  /** The final `.config`. */
  config: string;
  cached: boolean;
}

/** One fragment and its text, `file` as the repository names it. */
interface Fragment {
  file: string;
  text: string;
}

async function readFragments(board: UbootBoard): Promise<Fragment[]> {
  const files = await Promise.all(
    board.fragments.map(async (name) => {
      const file = `builder/src/uboot/config/${name}.config`;
      try {
        return { file, text: await readFile(join(ubootConfigDir, `${name}.config`), 'utf8') };
      } catch (error) {
        throw new Error(`failed to read U-Boot config fragment ${file} for ${board.arch}`, { cause: error });
      }
    }),
  );
  return [...files, { file: `builder/src/uboot/boards.ts (${board.arch}'s boot commands)`, text: ubootConfigLines(board) }];
}

/**
 * Returns U-Boot for `board`, building it when the cache has none for these
 * inputs (2-4 minutes on two cores). Throws naming the fragment options
 * olddefconfig dropped, a missing cross compiler, or make's last lines.
 */
export async function buildUboot(board: UbootBoard, options: BuildUbootOptions): Promise<BuiltUboot> {
  const { progress } = options;
  const target = getTarget(board.arch);
  const fragments = await readFragments(board);
  const requested: KernelConfig = new Map();
  for (const { file, text } of fragments) for (const [name, value] of parseConfig(text, file)) requested.set(name, value);
  const cc = `${target.triplet}-gcc`;
  const toolchain = await compilerVersion(cc).catch((error: unknown) => {
    throw new Error(`cross compiler ${cc} for ${board.arch}'s U-Boot is missing: install ${target.compilerPackage}`, { cause: error });
  });
  const source = await fetchDebianSource('u-boot', { release: ubootRelease, progress });
  const patches = await readUbootPatches(board.patches ?? [], board.arch);
  const key = cacheKey('u-boot', recipeVersion, source.version, board.defconfig, board.image, toolchain, String(options.sourceDateEpoch), ...fragments.flatMap((f) => [f.file, f.text]), ...patches.flatMap((p) => [p.file, p.text]));
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'u-boot', `${board.arch}-${key}`), async (work) => {
    const build = join(work, 'build');
    const sourceDir = await patchedSource(source.dir, patches, join(work, 'src'));
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(options.sourceDateEpoch), LC_ALL: 'C' };
    const make = (goals: string[], onLine?: (line: string) => void) =>
      run('make', ['-C', sourceDir, `O=${build}`, `CROSS_COMPILE=${target.triplet}-`, ...goals], { env, onLine });

    progress.step(`configure U-Boot ${source.version} for ${board.arch} (${board.defconfig} + ${board.fragments.join(', ')}${patches.length ? `; patched: ${board.patches!.join(', ')}` : ''})`);
    await make([board.defconfig]);
    const dotConfig = join(build, '.config');
    await writeFile(dotConfig, (await readFile(dotConfig, 'utf8')) + renderConfig(requested));
    await make(['olddefconfig']);
    const config = await readFile(dotConfig, 'utf8');
    const dropped = droppedOptions(requested, parseConfig(config, '.config'));
    if (dropped.length > 0) {
      const list = dropped.map((d) => `CONFIG_${d.name}=${d.wanted} (got ${d.got})`).join(', ');
      throw new Error(`U-Boot config for ${board.arch} (${board.defconfig}): ${dropped.length} requested option(s) did not survive olddefconfig (missing dependencies?): ${list}. Fix ${fragments.map((f) => f.file).join(' or ')}`);
    }
    progress.done();

    progress.step(`build U-Boot ${source.version} for ${board.arch} (about 2-4 min on 2 cores)`);
    // qemu_arm compiles about 400 objects (CC lines), the host tools included.
    const counter = kbuildProgress(progress, 450);
    await make([`-j${availableParallelism()}`], counter.onLine);
    await make(['u-boot-initial-env']);
    await writeFile(join(work, 'firmware'), await readFile(join(build, board.image)));
    await writeFile(join(work, 'initial-env'), await readFile(join(build, 'u-boot-initial-env')));
    await writeFile(join(work, 'config'), config);
    await rm(build, { recursive: true, force: true });
    if (sourceDir !== source.dir) await rm(sourceDir, { recursive: true, force: true });
    progress.done(`${board.image}, ${counter.count()} objects`);
  });
  if (hit) {
    progress.step(`U-Boot ${source.version} for ${board.arch} from the cache`);
    progress.done();
  }
  return {
    version: source.version,
    firmware: await readFile(join(dir, 'firmware')),
    initialEnv: await readFile(join(dir, 'initial-env'), 'utf8'),
    config: await readFile(join(dir, 'config'), 'utf8'),
    cached: hit,
  };
}
