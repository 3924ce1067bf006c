/**
 * Container services become ordinary services: each runs the run-container
 * helper, which runs `ctr run --rm`, sends stop signals to the task and exits
 * with its status; the container's stdout and stderr are ctr's, so restart, readiness, health checks, logs and stop all come from
 * the supervisor unchanged. Two services are added in front of them:
 * `containerd` (ready when its socket answers) and the `containers-import`
 * oneshot that loads the stored images. Pure.
 *
 *   const spec2 = expandContainerServices(spec);
 *   spec2.services[0].name;   // 'containerd'
 */
import type { ServiceSpec, Spec } from '../spec/schema.ts';
import { timeoutsByKind } from '../spec/service-defaults.ts';
import { containerdConfigPath, containerEnvPath, containerdService, containerdSocket, containerNamespace, imageRef, importScriptPath, importService, runScriptPath, startContainerdPath, usesContainers } from './names.ts';

/**
 * containerd's own service: supervised like any other, ready once `ctr version`
 * gets an answer over the socket. With a data partition it starts through the
 * helper that puts its root there.
 */
function containerdServiceSpec(dataPartition: boolean): ServiceSpec {
  return {
    name: containerdService,
    command: dataPartition ? [startContainerdPath] : ['/usr/bin/containerd', '--config', containerdConfigPath],
    ready: { command: ['/usr/bin/ctr', '--address', containerdSocket, 'version'], interval: 500, timeout: 10_000 },
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

/** The env file of every container service that sets variables, for the image (mode 0600, root). */
export function containerEnvFiles(spec: Spec): { path: string; text: string }[] {
  return (spec.services ?? []).flatMap((service) => {
    const text = service.image === undefined ? undefined : containerEnv(service);
    return text === undefined ? [] : [{ path: containerEnvPath(service.name), text }];
  });
}

/** One container service as the supervised process that runs it. */
function containerProcess(service: ServiceSpec): ServiceSpec {
  const { image: _image, network: _network, mounts: _mounts, env: _env, workdir: _workdir, limits, ...rest } = service;
  return {
    ...rest,
    // pids has no ctr flag: the helper sets it on the container's cgroup. Memory and CPU are ctr flags.
    command: [runScriptPath, containerNamespace, service.name, String(limits?.pids ?? 'max'), ...ctrRunArgs(service)],
    depends_on: [{ name: importService, condition: 'ready' }, ...(service.depends_on ?? [])],
    // Unpacking and starting a container, and removing it, take longer than a process: see timeoutsByKind.
    start_timeout: service.start_timeout ?? timeoutsByKind.container.startTimeoutMs,
    stop_timeout: service.stop_timeout ?? timeoutsByKind.container.stopTimeoutMs,
  };
}

/**
 * Returns the spec with containerd and the import task added and every
 * container service turned into a supervised `ctr run`; a spec without
 * containers is returned as is.
 */
export function expandContainerServices(spec: Spec): Spec {
  if (!usesContainers(spec)) return spec;
  const services = (spec.services ?? []).map((service) => (service.image ? containerProcess(service) : service));
  return { ...spec, services: [containerdServiceSpec(spec.update !== undefined), importServiceSpec(), ...services] };
}
