/**
 * Cross-field rules for `containers` and container services (`image:`), in the
 * form of rules.ts, plus the architecture check archProblems runs (what
 * containers still cannot do on mips and mips64).
 */
import type { Target } from '../../../targets/types.ts';
import { containerdService, importService, usesContainers } from '../containers/names.ts';
import { sourceBuiltPackage, sourceBuiltPackageNames } from '../containers/source-packages.ts';
import { exposesControlSocket } from './control-socket-paths.ts';
import type { UnlocatedProblem } from './problem.ts';
import type { Spec } from './schema.ts';

const builtOnly = ['files', 'entrypoint', 'cmd', 'env', 'workdir', 'user', 'exclude', 'from_source'] as const;

/** Each container is built from packages or read from an archive, and has a unique name. */
export function containerSources(spec: Spec): UnlocatedProblem[] {
  const problems: UnlocatedProblem[] = [];
  if (spec.container_runtime !== undefined && !usesContainers(spec)) problems.push({ path: ['container_runtime'], message: 'container_runtime applies to a spec with containers (a service with image:); this one runs none' });
  const seen = new Map<string, number>();
  (spec.containers ?? []).forEach((container, i) => {
    const first = seen.get(container.name);
    if (first !== undefined) problems.push({ path: ['containers', i, 'name'], message: `duplicate container "${container.name}", already used by containers[${first}]` });
    else seen.set(container.name, i);
    if (Boolean(container.packages) === Boolean(container.archive)) {
      problems.push({ path: ['containers', i], message: `expected exactly one of packages or archive, got ${container.packages ? 'both' : 'none'}` });
    }
    if (container.from_source) {
      // Whatever the target: these are the only packages imago knows how to compile.
      const buildable = sourceBuiltPackageNames();
      (container.packages ?? []).forEach((name, p) => {
        if (!sourceBuiltPackage(name)) problems.push({ path: ['containers', i, 'packages', p], message: `package "${name}" cannot be compiled from source (from_source: true): imago builds only ${buildable.join(', ')} from Debian's source; drop from_source to use Debian's binaries` });
      });
    }
    if (container.archive) {
      for (const field of builtOnly) {
        if (container[field] !== undefined) problems.push({ path: ['containers', i, field], message: `${field} applies to images built from packages; an archive's image keeps its own configuration` });
      }
    }
  });
  return problems;
}

/** A service has a command or an image; container-only fields need an image; the image must exist. */
export function containerServices(spec: Spec): UnlocatedProblem[] {
  const images = (spec.containers ?? []).map((container) => container.name);
  const links = new Map((spec.files ?? []).flatMap((file) => (file.symlink === undefined ? [] : [[file.path, file.symlink] as const])));
  const reserved = usesContainers(spec) ? [containerdService, importService] : [];
  return (spec.services ?? []).flatMap((service, i): UnlocatedProblem[] => {
    const problems: UnlocatedProblem[] = [];
    const at = (field: string, message: string) => problems.push({ path: ['services', i, field], message });
    if (reserved.includes(service.name)) at('name', `"${service.name}" is the name of imago's own service for containers; choose another`);
    if (service.image === undefined) {
      if (service.command === undefined) problems.push({ path: ['services', i], message: 'expected command (or image, to run a container)' });
      if (service.network !== undefined) at('network', 'network applies to container services (with image:)');
      if (service.mounts !== undefined) at('mounts', 'mounts apply to container services (with image:)');
      return problems;
    }
    if (!images.includes(service.image)) at('image', `unknown container image "${service.image}", expected one of ${images.join('|') || '(none: add it under containers:)'}`);
    const built = (spec.containers ?? []).find((container) => container.name === service.image && container.packages);
    // A built image runs from the spec the build writes: with nothing to run it could only fail at boot.
    if (built && !built.entrypoint && !built.cmd && service.command === undefined) {
      problems.push({ path: ['services', i], message: `expected command: the image "${built.name}" has no entrypoint or cmd (set one under containers:, or command: here)` });
    }
    for (const field of ['user', 'group', 'umask'] as const) {
      if (service[field] !== undefined) at(field, `a container service runs as its image's user; set user: on the image under containers: instead`);
    }
    if (service.type === 'oneshot') at('type', 'a container service is a long-running process (type simple)');
    (service.mounts ?? []).forEach((mount, m) => {
      // A container's root may be root on the device too: with the socket it could reboot the device or stop services.
      if (exposesControlSocket(mount.source, links)) {
        problems.push({ path: ['services', i, 'mounts', m, 'source'], message: `"${mount.source}" would show the container the init's control socket (/run/imago/control.sock); mount a folder outside /run/imago that does not contain it, such as /var/lib/${service.name}` });
      }
    });
    for (const [key, value] of Object.entries(service.env ?? {})) {
      // ctr reads the environment from a file, one variable a line.
      if (/[\n\r]/.test(value)) problems.push({ path: ['services', i, 'env', key], message: 'a container service cannot have a line break in an environment value' });
    }
    if (service.network === 'private') {
      for (const field of ['ready', 'health'] as const) {
        const probe = service[field];
        const kind = probe?.tcp !== undefined ? 'tcp' : probe?.http !== undefined ? 'http' : undefined;
        if (kind) at(field, `a ${kind} probe connects to the device's 127.0.0.1, which a private-network container is not on; use a command probe, or network: host`);
      }
    }
    return problems;
  });
}

/**
 * Containers on targets without Debian packages (mips, mips64): containerd,
 * crun, the CNI plugins and iptables are compiled from Debian's source there
 * (containers/runtime-from-source.ts, containers/iptables-from-source.ts), and
 * so are the few packages of containers/source-packages.ts that packages: may
 * list there; any other package is refused, naming the way out.
 */
export function containerArchProblems(spec: Spec, targets: readonly Target[]): UnlocatedProblem[] {
  if (!usesContainers(spec)) return [];
  const missing = targets.filter((target) => !target.debianArch).map((target) => target.name);
  if (missing.length === 0) return [];
  const names = missing.join(', ');
  const problems: UnlocatedProblem[] = [];
  // Debian has no binaries there: packages: may name only what imago compiles from source (containers/source-packages.ts).
  const buildable = sourceBuiltPackageNames();
  (spec.containers ?? []).forEach((container, i) => {
    (container.packages ?? []).forEach((name, p) => {
      if (sourceBuiltPackage(name)) return;
      problems.push({
        path: ['containers', i, 'packages', p],
        message: `package "${name}" is not available for ${names}: Debian has no packages for ${names}, and imago builds only ${buildable.join(', ')} from Debian's source there. Use one of those, archive: with an OCI image built for ${missing.map((name) => `linux/${name}`).join(', ')}, or build this spec for another architecture`,
      });
    });
  });
  return problems;
}
