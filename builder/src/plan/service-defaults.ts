/**
 * The defaults of every service setting, in one place: what a spec means when
 * it leaves a field out. The README and the schema's descriptions quote these.
 */
import type { BackoffConfig, LogsConfig } from '../../../contract/index.ts';

export const serviceDefaults = Object.freeze({
  restart: 'always' as const,
  backoff: Object.freeze<BackoffConfig>({ initialMs: 100, maxMs: 30_000, resetAfterMs: 10_000 }),
  startTimeoutMs: 60_000,
  stopTimeoutMs: 10_000,
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
