/**
 * When and how a log file rotates. Pure.
 *
 * A file rotates before a line that would take it past `maxBytes`, or once it is
 * `maxAgeMs` old. Rotation shifts name.log -> name.log.1 -> ... -> name.log.<keep>,
 * dropping the oldest, the way logrotate and BusyBox syslogd do.
 */
export interface RotationPolicy {
  maxBytes: number;
  maxAgeMs: number;
  keep: number;
}

export interface OpenFileState {
  /** Bytes in the current file. */
  size: number;
  /** When the current file was started (ms, same clock as `now`). */
  startedAt: number;
}

export function shouldRotate(file: OpenFileState, lineBytes: number, now: number, policy: RotationPolicy): boolean {
  if (file.size === 0) return false;
  return file.size + lineBytes > policy.maxBytes || now - file.startedAt >= policy.maxAgeMs;
}

export type RotationStep = { kind: 'remove'; path: string } | { kind: 'rename'; from: string; to: string };

/** The file operations of one rotation, in order; `keep` 0 just removes the current file. */
export function rotationSteps(path: string, keep: number): RotationStep[] {
  if (keep <= 0) return [{ kind: 'remove', path }];
  const steps: RotationStep[] = [{ kind: 'remove', path: `${path}.${keep}` }];
  for (let i = keep - 1; i >= 1; i--) steps.push({ kind: 'rename', from: `${path}.${i}`, to: `${path}.${i + 1}` });
  steps.push({ kind: 'rename', from: path, to: `${path}.1` });
  return steps;
}
