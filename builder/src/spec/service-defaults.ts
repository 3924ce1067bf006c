/**
 * The defaults of every service setting, in one place: what a spec means when
 * it leaves a field out. The schema's descriptions (and so the JSON Schema),
 * the init's configuration and the container expansion all read them from
 * here; service-defaults.test.ts checks the README's table against them.
 */
import type { BackoffConfig, LogsConfig } from '../../../contract/index.ts';

/** The kinds of service whose timeouts differ: the spec's own, a container's, and the two the container support adds. */
export type ServiceKind = 'service' | 'container' | 'containerd' | 'containersImport';

export interface KindTimeouts {
  /** Time to become ready (a oneshot: to finish) before the start counts as failed. */
  startTimeoutMs: number;
  /** Time to exit after the stop signal before everything in the cgroup is killed. */
  stopTimeoutMs: number;
}

export const timeoutsByKind: Readonly<Record<ServiceKind, Readonly<KindTimeouts>>> = Object.freeze({
  service: Object.freeze({ startTimeoutMs: 60_000, stopTimeoutMs: 10_000 }),
  // A cold start pulls nothing, but containerd unpacks the image's snapshot and runc starts it:
  // under emulation (TCG) on the slower targets that alone can take more than a minute.
  // The stop covers the task's exit and ctr's clean-up after it (network detached, container
  // and snapshot removed), which takes more than 10 s under emulation on the slower targets.
  container: Object.freeze({ startTimeoutMs: 180_000, stopTimeoutMs: 60_000 }),
  // Go programs start slowly under emulation; a cold containerd may need a while to load its plugins.
  // Shims of running containers live in containerd's cgroup: give them time to exit on their own.
  containerd: Object.freeze({ startTimeoutMs: 180_000, stopTimeoutMs: 15_000 }),
  // Importing every stored image, which containerd unpacks, under emulation.
  containersImport: Object.freeze({ startTimeoutMs: 600_000, stopTimeoutMs: 10_000 }),
});

export const serviceDefaults = Object.freeze({
  restart: 'always' as const,
  backoff: Object.freeze<BackoffConfig>({ initialMs: 100, maxMs: 30_000, resetAfterMs: 10_000 }),
  startTimeoutMs: timeoutsByKind.service.startTimeoutMs,
  stopTimeoutMs: timeoutsByKind.service.stopTimeoutMs,
  stopSignal: 'TERM' as const,
  umask: 0o022,
  ready: Object.freeze({ intervalMs: 200, timeoutMs: 2000 }),
  health: Object.freeze({ intervalMs: 10_000, timeoutMs: 2000, retries: 3, startPeriodMs: 0 }),
});

export const logDefaults: LogsConfig = Object.freeze({
  maxBytes: 1024 * 1024,
  maxAgeMs: 86_400_000,
  keep: 3,
  ringLines: 200,
  console: true,
});
