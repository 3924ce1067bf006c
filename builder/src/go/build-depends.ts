/**
 * Reading apt's answers about Go build dependencies. Pure.
 *
 *   goBuildDependencies(showsrcText);  // ['golang-dbus-dev', 'golang-github-blang-semver-dev', ...]
 *   reverseProvides(showpkgText);      // ['golang-github-opencontainers-specs-dev']
 */

/**
 * The `golang-*-dev` packages in the Build-Depends of the first record of
 * `apt-cache showsrc`: the Go source the build compiles against. Tools
 * (dh-golang, go-md2man, golang-any) are not Go source and are left out:
 * the toolchain is chosen by the caller. Alternatives (`a | b`) take the first.
 */
export function goBuildDependencies(showsrc: string): string[] {
  const record = showsrc.split(/\n\n+/)[0] ?? '';
  const field = /^Build-Depends: (.*(?:\n[ \t].*)*)/m.exec(record)?.[1];
  if (field === undefined) throw new Error('apt-cache showsrc printed no Build-Depends field');
  const names = field
    .split(',')
    .map((entry) => entry.split('|')[0]!.trim().split(/[\s([<:]/)[0]!)
    .filter((name) => /^golang-.+-dev$/.test(name));
  return [...new Set(names)].sort();
}

/** The packages listed under "Reverse Provides:" in `apt-cache showpkg` output, each once. */
export function reverseProvides(showpkg: string): string[] {
  const section = /^Reverse Provides: *\n((?:.+\n?)*)/m.exec(showpkg)?.[1] ?? '';
  const names = section
    .split('\n')
    .map((line) => line.trim().split(' ')[0]!)
    .filter((name) => /^[a-z0-9][a-z0-9+.-]+$/.test(name));
  return [...new Set(names)].sort();
}
