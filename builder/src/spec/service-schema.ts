/**
 * The `services` and `logs` sections of the spec: supervised processes with
 * dependencies, readiness and health probes, restart policy and backoff,
 * privileges, cgroup limits, and log retention.
 */
import { z } from 'zod';
import { absolutePath, command, env, mode, name, owner, port } from './primitives.ts';
import { logDefaults, serviceDefaults, timeoutsByKind } from './service-defaults.ts';
import { duration, durationWithin, formatDuration, formatSize, sizeWithin } from './units.ts';

const d = serviceDefaults;

/** Waits that cannot be zero: a probe with no time between attempts spins, and no time to answer or start always fails. */
const nonzeroWait = durationWithin({ min: 10 });
/** Below this the kernel's own reclaim cannot keep even a shell alive in the cgroup. */
const memoryLimit = sizeWithin({ min: 1024 ** 2 });
const kinds = timeoutsByKind;

const probeTargets = {
  tcp: port.optional().describe('Succeeds when a TCP connection to this port on 127.0.0.1 is accepted.'),
  http: z
    .strictObject({
      port: port.describe('Required. Port on 127.0.0.1.'),
      path: z.string().regex(/^\//, 'expected a path starting with "/"').optional().describe('Request path. Default /.'),
      status: z.number().int().min(100).max(599).optional().describe('Expected status. Default: any 2xx or 3xx.'),
    })
    .optional()
    .describe('Succeeds when an HTTP GET answers with the expected status.'),
  unix: absolutePath.optional().describe('Succeeds when a connection to this Unix socket is accepted, e.g. a daemon\'s API socket: cheaper than a command that asks the daemon, which a small CPU pays for at every attempt.'),
  command: command.optional().describe('Succeeds when this command exits 0 (run as the service user).'),
  file: absolutePath.optional().describe('Succeeds when this path exists.'),
};

export const readySchema = z
  .strictObject({
    ...probeTargets,
    interval: nonzeroWait.optional().describe(`Time between attempts. Default ${formatDuration(d.ready.intervalMs)}.`),
    timeout: nonzeroWait.optional().describe(`Time one attempt may take. Default ${formatDuration(d.ready.timeoutMs)}.`),
  })
  .describe('How to tell the service is ready: exactly one of tcp, http, unix, command or file. Without it, a service is ready once started.');

export const healthSchema = z
  .strictObject({
    ...probeTargets,
    interval: nonzeroWait.optional().describe(`Time between checks. Default ${formatDuration(d.health.intervalMs)}.`),
    timeout: nonzeroWait.optional().describe(`Time one check may take. Default ${formatDuration(d.health.timeoutMs)}.`),
    retries: z.number().int().min(1).optional().describe(`Consecutive failures that make the service unhealthy (it is then restarted). Default ${d.health.retries}.`),
    start_period: duration.optional().describe(`Failures in this time after ready do not count. Default ${d.health.startPeriodMs === 0 ? '0' : formatDuration(d.health.startPeriodMs)}.`),
  })
  .describe('A check that keeps running once the service is ready: exactly one of tcp, http, unix, command or file.');

const condition = z.enum(['started', 'ready', 'healthy']);

/** `depends_on: [db]` (condition ready) or `depends_on: { db: healthy, cache: started }`. */
const dependsOn = z
  .union([z.array(name), z.record(name, condition)], { error: 'expected a list of service names, or a mapping of service name to started|ready|healthy' })
  .describe('Services this one needs before it starts. A list means "ready"; a mapping gives each a condition: started, ready or healthy. A service that needs another healthy is also stopped while that one is unhealthy or down, and started again when it is healthy.')
  .transform((value) =>
    Array.isArray(value) ? value.map((dep) => ({ name: dep, condition: 'ready' as const })) : Object.entries(value).map(([dep, cond]) => ({ name: dep, condition: cond })),
  );

const restart = z
  .enum(['always', 'on-failure', 'never'])
  .describe(`When to restart the service after it exits: always, on-failure (non-zero exit or signal) or never. Default ${d.restart}; on-failure for a oneshot.`);

const mountSchema = z
  .strictObject({
    source: absolutePath.describe('Required. Host path; it must exist (create it under /var or /run with an onboot task).'),
    target: absolutePath.describe('Required. Path in the container.'),
    readonly: z.boolean().optional().describe('Mount read-only. Default false.'),
  })
  .describe('A bind mount into a container.');

const signalNames = ['TERM', 'INT', 'QUIT', 'HUP', 'USR1', 'USR2', 'KILL'] as const;

export const serviceSchema = z
  .strictObject({
    name: name.describe('Required. Unique service name; its log is /var/log/<name>.log.'),
    command: command.optional().describe('The command: a list of arguments (argv), or one string run by /bin/sh -c. Required, except for a container service, where it replaces the image\'s entrypoint and command.'),
    image: name.optional().describe('Run the service as a container of this image (a name from `containers:`), through containerd. Restart, depends_on, ready, health, logs and stop work as for any service.'),
    network: z
      .enum(['host', 'private', 'none'])
      .optional()
      .describe('Network of a container service: host (default: the device\'s own network, ports and probes on 127.0.0.1), private (its own eth0 on the imago0 bridge, 10.88.0.0/16, with the device at 10.88.0.1 and outbound traffic masqueraded; tcp and http probes cannot reach it, use a command probe) or none (loopback only).'),
    mounts: z.array(mountSchema).optional().describe('Host paths bind-mounted into a container service.'),
    type: z.enum(['simple', 'oneshot']).optional().describe('simple (default): a long-running process. oneshot: runs to completion; it is ready once it exited 0.'),
    env: env.optional(),
    workdir: absolutePath.optional().describe('Working directory. Default /.'),
    user: owner.optional().describe('Run as this user (and group): "user", "user:group" or "uid:gid". Default root. Supplementary groups come from /etc/group.'),
    group: z.string().regex(/^[a-z_][a-z0-9_-]*$|^\d+$/, 'expected a group name or gid').optional().describe("Run with this primary group instead of the user's."),
    umask: mode.optional().describe(`File creation mask in octal, as in chmod: 027, 0027 and "0027" are the same; at most 0777. Default ${d.umask.toString(8).padStart(4, '0')}.`),
    depends_on: dependsOn.optional(),
    ready: readySchema.optional(),
    health: healthSchema.optional(),
    restart: restart.optional(),
    backoff: z
      .strictObject({
        initial: duration.optional().describe(`Delay before the second quick restart (the first after a stable run is immediate). Default ${formatDuration(d.backoff.initialMs)}.`),
        max: duration.optional().describe(`Cap of the doubling delay. Default ${formatDuration(d.backoff.maxMs)}.`),
        reset_after: duration.optional().describe(`A run this long resets the delay. Default ${formatDuration(d.backoff.resetAfterMs)}.`),
      })
      .optional()
      .describe('Exponential backoff between restarts.'),
    restart_limit: z.number().int().min(1).optional().describe('Consecutive quick failures after which the service is marked failed. Default: no limit.'),
    critical: z.boolean().optional().describe('A trial boot after an update commits only once this service has been healthy (or running, without a health check) for update.commit_after; otherwise the device rolls back. Default false.'),
    on_failed: z.enum(['stay', 'reboot']).optional().describe('What a failed service does to the device: stay (default) or reboot.'),
    start_timeout: nonzeroWait.optional().describe(
      `Time to become ready (a oneshot: to finish) before the start counts as failed. Default ${formatDuration(kinds.service.startTimeoutMs)}; ${formatDuration(kinds.container.startTimeoutMs)} for a container service, whose image containerd unpacks before runc starts it (slow under emulation).`,
    ),
    stop_timeout: duration.optional().describe(
      `Time to exit after the stop signal before everything in its cgroup is killed. Default ${formatDuration(kinds.service.stopTimeoutMs)}; ${formatDuration(kinds.container.stopTimeoutMs)} for a container service, which also removes its container.`,
    ),
    stop_signal: z.enum(signalNames).optional().describe(`Signal that asks the service to stop. Default ${d.stopSignal}.`),
    limits: z
      .strictObject({
        memory: memoryLimit.optional().describe('cgroup memory.max, e.g. 64M; at least 1M.'),
        cpu: z.number().positive().max(1024).optional().describe('CPU time as a number of CPUs, e.g. 0.5 (cgroup cpu.max).'),
        pids: z.number().int().min(1).optional().describe('cgroup pids.max.'),
      })
      .optional()
      .describe('cgroup v2 resource limits for the whole process tree of the service.'),
  })
  .describe('A process supervised by the init.');

export const logsSchema = z
  .strictObject({
    max_size: sizeWithin({ min: 1024 }).optional().describe(`Rotate a log file when it reaches this size. Default ${formatSize(logDefaults.maxBytes)}.`),
    max_age: durationWithin({ min: 100 }).optional().describe(`Rotate a log file once it is this old. Default ${formatDuration(logDefaults.maxAgeMs)}.`),
    keep: z.number().int().min(0).max(100).optional().describe(`Rotated files kept per log (<name>.log.1 ... .N). Default ${logDefaults.keep}.`),
    ring: z.number().int().min(0).max(100_000).optional().describe(`Lines per service kept in memory for \`imagoctl logs\`. Default ${logDefaults.ringLines}.`),
    console: z.boolean().optional().describe(`Copy service output to the console. Default ${logDefaults.console}.`),
  })
  .describe('Where service output goes and how much of it is kept.');

export type ServiceSpec = z.output<typeof serviceSchema>;
export type LogsSpec = z.output<typeof logsSchema>;
export type RestartPolicy = z.output<typeof restart>;
export type DependencyCondition = z.output<typeof condition>;
