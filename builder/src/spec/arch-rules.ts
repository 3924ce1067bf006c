/**
 * Checks that a spec can be built for the given architectures, before anything
 * is downloaded or compiled: mips and mips64 have no Debian packages, and a
 * kernel built from source has no modules. Pure; used by the spec rules (for
 * the spec's own `arch:` list) and by the build (for `--arch`).
 *
 *   archProblems(spec, [mips]);   // [{ path: ['packages', 0], message: 'package "strace" is not available for mips: ...' }]
 */
import { getTarget } from '../../../targets/index.ts';
import type { Target } from '../../../targets/types.ts';
import { containerArchProblems } from './container-rules.ts';
import type { UnlocatedProblem } from './problem.ts';
import { packageNames } from './package-schema.ts';
import type { Spec } from './schema.ts';

/** Whether the image's kernel for `target` is built from kernel-config/ rather than taken from Debian. */
export function buildsKernel(spec: Spec, target: Target): boolean {
  return Boolean(spec.kernel?.build) || !target.kernel.debianPackage;
}

/** Every problem building `spec` for `targets` would hit, located at spec paths. */
export function archProblems(spec: Spec, targets: readonly Target[]): UnlocatedProblem[] {
  const problems: UnlocatedProblem[] = [];
  const noDebian = targets.filter((target) => !target.debianArch);
  for (const target of noDebian) {
    packageNames(spec.packages).forEach((pkg, i) =>
      problems.push({
        path: ['packages', i],
        message: `package "${pkg}" is not available for ${target.name}: Debian has no ${target.name} packages (imago builds its kernel and BusyBox from source). Remove it, or build for another architecture`,
      }),
    );
    if (spec.kernel?.package) {
      problems.push({ path: ['kernel', 'package'], message: `Debian has no ${target.name} kernel package; its kernel is built from kernel-config/. Remove kernel.package` });
    }
  }
  if (spec.kernel?.build && spec.kernel.package) {
    problems.push({ path: ['kernel', 'build'], message: 'expected either kernel.package or kernel.build, got both' });
  }
  const built = targets.filter((target) => buildsKernel(spec, target)).map((target) => target.name);
  if (built.length > 0 && spec.kernel?.modules?.length) {
    problems.push({
      path: ['kernel', 'modules'],
      message: `the kernel for ${built.join(', ')} is built from kernel-config/ with everything built in and has no modules. Remove kernel.modules, or add the options to a kernel.build.config fragment`,
    });
  }
  for (const target of targets) {
    const max = target.kernel.debianMaxMemoryMiB;
    const asked = spec.qemu?.memory === undefined ? 0 : spec.qemu.memory / 2 ** 20;
    if (max !== undefined && asked > max && !buildsKernel(spec, target)) {
      problems.push({
        path: ['qemu', 'memory'],
        message: `Debian's ${target.name} kernel (${target.kernel.debianPackage}) uses at most ${max} MiB on QEMU's ${target.qemu.machine} board, so ${asked} MiB would not be there: build the kernel (kernel: { build: true }) or ask for at most ${max}M`,
      });
    }
  }
  problems.push(...containerArchProblems(spec, targets));
  return problems;
}

/** The rule form: checks the spec against its own `arch:` list (default x86_64). */
export function specArchProblems(spec: Spec): UnlocatedProblem[] {
  return archProblems(spec, (spec.arch ?? ['x86_64']).map(getTarget));
}

/** An architecture listed twice in `arch:` would be built twice into the same folder. */
export function duplicateArchProblems(spec: Spec): UnlocatedProblem[] {
  const arch = spec.arch ?? [];
  return arch.flatMap((name, i): UnlocatedProblem[] => {
    const first = arch.indexOf(name);
    return first === i ? [] : [{ path: ['arch', i], message: `duplicate architecture "${name}", already listed as arch[${first}]` }];
  });
}
