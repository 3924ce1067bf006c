/**
 * Container services become ordinary services: each runs the run-container
 * helper, which runs `ctr run --rm`, sends stop signals to the task and exits
 * with its status; the container's stdout and stderr are ctr's, so restart, readiness, health checks, logs and stop all come from
 * the supervisor unchanged. `containerd` (ready when its socket answers) is
 * added in front of them. An image built from packages is run from its root
 * filesystem as the build prepared it (`ctr run --config` with a generated
 * runtime spec, see runtime-spec.ts), so nothing is imported at boot; only
 * when an image comes from an archive is the `containers-import` oneshot
 * added, which loads the stored archives into containerd. Pure.
 *
 *   const spec2 = expandContainerServices(spec);
 *   spec2.services[0].name;   // 'containerd'
 */
import type { ServiceSpec, Spec } from '../spec/schema.ts';
import { timeoutsByKind } from '../spec/service-defaults.ts';
import type { PreparedImage } from './image-containers.ts';
import { containerdConfigPath, containerEnvPath, containerdService, containerdSocket, containerNamespace, containerRunDir, containerRuntimeSpecPath, imageRef, importScriptPath, importService, isPrepared, needsImport, preparedRootfsPath, runScriptPath, startContainerdPath, usesContainers } from './names.ts';
import { containerRuntimeSpec } from './runtime-spec.ts';

/**
 * containerd's own service: supervised like any other, ready once its API
 * socket accepts a connection (containerd listens only after loading its
 * plugins). Not `ctr version`: each attempt would start a 17-23 MB Go program,
 * whose start-up on a small or emulated CPU is seconds of the very CPU
 * containerd is starting on. With a data partition it starts through the
 * helper that puts its root there.
 */
function containerdServiceSpec(dataPartition: boolean): ServiceSpec {
  return {
    name: containerdService,
    command: dataPartition ? [startContainerdPath] : ['/usr/bin/containerd', '--config', containerdConfigPath],
    ready: { unix: containerdSocket, interval: 100, timeout: 10_000 },
    // Longer than a service's: see timeoutsByKind for why.
    start_timeout: timeoutsByKind.containerd.startTimeoutMs,
    stop_timeout: timeoutsByKind.containerd.stopTimeoutMs,
  };
}

/** The import oneshot: restarts on failure (containerd may restart under it). */
function importServiceSpec(): ServiceSpec {
  return {
    name: importService,
    type: 'oneshot',
    command: ['/bin/sh', importScriptPath],
    depends_on: [{ name: containerdService, condition: 'ready' }],
    restart: 'on-failure',
    start_timeout: timeoutsByKind.containersImport.startTimeoutMs,
    stop_timeout: timeoutsByKind.containersImport.stopTimeoutMs,
  };
}

/**
 * The `ctr run` arguments of a container service, after `ctr run`:
 * options, then image, container id and the command override.
 */
export function ctrRunArgs(service: ServiceSpec): string[] {
  const args: string[] = [];
  const network = service.network ?? 'host';
  if (network === 'host') args.push('--net-host');
  // ctr's CNI support attaches the task's namespace to the network of /etc/cni/net.d and detaches it after --rm.
  if (network === 'private') args.push('--cni');
  // Values stay off the command line, which /proc shows to every user: ctr reads them from a root-only file.
  if (containerEnv(service) !== undefined) args.push('--env-file', containerEnvPath(service.name));
  if (service.workdir) args.push('--cwd', service.workdir);
  for (const mount of service.mounts ?? []) {
    args.push('--mount', `type=bind,src=${mount.source},dst=${mount.target},options=rbind:${mount.readonly ? 'ro' : 'rw'}`);
  }
  // The limits go to the container's own cgroup (runc's), not to the service's, which only holds ctr.
  if (service.limits?.memory !== undefined) args.push('--memory-limit', String(service.limits.memory));
  if (service.limits?.cpu !== undefined) args.push('--cpus', String(service.limits.cpu));
  args.push(imageRef(service.image!), service.name, ...(service.command ?? []));
  return args;
}

/**
 * The contents of a container service's env file (see containerEnvPath), or
 * undefined when it sets no variables. ctr takes each line as it is, so a
 * value holding a newline is refused by the spec rules.
 */
export function containerEnv(service: ServiceSpec): string | undefined {
  const vars = Object.entries(service.env ?? {});
  return vars.length === 0 ? undefined : vars.map(([key, value]) => `${key}=${value}\n`).join('');
}

/** Whether `service` runs an image that the build prepared as a root filesystem. */
function runsPrepared(spec: Spec, service: ServiceSpec): boolean {
  const container = (spec.containers ?? []).find((c) => c.name === service.image);
  return container !== undefined && isPrepared(container);
}

/** The `ctr run` arguments of a container service run from a prepared image: its runtime spec says everything else. */
export function ctrRunPreparedArgs(service: ServiceSpec): string[] {
  // ctr's CNI support works with a spec file too: it attaches the task's own network namespace.
  return ['--config', containerRuntimeSpecPath(service.name), ...(service.network === 'private' ? ['--cni'] : []), service.name];
}

/**
 * The files a container service needs besides its image, for the image
 * (mode 0600, root: they hold the environment): the env file of an imported
 * image's service that sets variables, the runtime spec of a prepared one's.
 * Throws when a prepared service's image is not in `prepared`, or has nothing to run.
 */
export function containerEnvFiles(spec: Spec, prepared: readonly PreparedImage[] = []): { path: string; text: string }[] {
  return (spec.services ?? []).flatMap((service) => {
    if (service.image === undefined) return [];
    if (runsPrepared(spec, service)) {
      const image = prepared.find((p) => p.name === service.image);
      if (!image) throw new Error(`service ${service.name}: no prepared root filesystem for image ${service.image} was given to the plan`);
      const runtime = containerRuntimeSpec(service, { rootfs: `${containerRunDir(service.name)}/root`, run: image.run });
      return [{ path: containerRuntimeSpecPath(service.name), text: `${JSON.stringify(runtime, null, 2)}\n` }];
    }
    const text = containerEnv(service);
    return text === undefined ? [] : [{ path: containerEnvPath(service.name), text }];
  });
}

/** One container service as the supervised process that runs it. */
function containerProcess(spec: Spec, service: ServiceSpec): ServiceSpec {
  const { image, network: _network, mounts: _mounts, env: _env, workdir: _workdir, limits, ...rest } = service;
  const prepared = runsPrepared(spec, service);
  return {
    ...rest,
    // pids has no ctr flag: for an imported image the helper sets it on the container's cgroup; a prepared one's spec has it.
    command: prepared
      ? [runScriptPath, containerNamespace, service.name, 'max', preparedRootfsPath(image!), ...ctrRunPreparedArgs(service)]
      : [runScriptPath, containerNamespace, service.name, String(limits?.pids ?? 'max'), '-', ...ctrRunArgs(service)],
    depends_on: [{ name: prepared ? containerdService : importService, condition: 'ready' }, ...(service.depends_on ?? [])],
    // Unpacking and starting a container, and removing it, take longer than a process: see timeoutsByKind.
    start_timeout: service.start_timeout ?? timeoutsByKind.container.startTimeoutMs,
    stop_timeout: service.stop_timeout ?? timeoutsByKind.container.stopTimeoutMs,
  };
}

/**
 * Returns the spec with containerd (and, when an image comes from an
 * archive, the import task) added and every container service turned into a
 * supervised `ctr run`; a spec without containers is returned as is.
 */
export function expandContainerServices(spec: Spec): Spec {
  if (!usesContainers(spec)) return spec;
  const services = (spec.services ?? []).map((service) => (service.image ? containerProcess(spec, service) : service));
  return { ...spec, services: [containerdServiceSpec(spec.update !== undefined), ...(needsImport(spec) ? [importServiceSpec()] : []), ...services] };
}
