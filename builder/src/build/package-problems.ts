/**
 * Places in a spec that name a Debian package the target's archive lacks, so
 * a misspelt package is reported like any other spec mistake (FILE:LINE:COL,
 * exit 2) instead of as a failed build step. Pure: the lookup is the caller's.
 *
 *   missingPackageProblems(spec, ['ngnix'], 'arm64')  // [{ path: ['packages', 1], message: ... }]
 */
import { missingPackageMessage } from '../debian/resolve.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import { packageNames } from '../spec/package-schema.ts';
import type { Spec } from '../spec/schema.ts';

/** Every package name the spec itself writes (image and container images), where it writes it. */
export function specPackageNames(spec: Spec): { name: string; path: (string | number)[] }[] {
  const named = packageNames(spec.packages).map((name, index) => ({ name, path: ['packages', index] as (string | number)[] }));
  (spec.containers ?? []).forEach((container, c) =>
    (container.packages ?? []).forEach((name, index) => named.push({ name, path: ['containers', c, 'packages', index] })),
  );
  return named;
}

/** One problem per place that names a missing package, for the Debian architecture `arch`. */
export function missingPackageProblems(spec: Spec, missing: readonly string[], arch: string): UnlocatedProblem[] {
  const gone = new Set(missing);
  return specPackageNames(spec)
    .filter(({ name }) => gone.has(name))
    .map(({ name, path }) => ({ path, message: missingPackageMessage([name], arch) }));
}
