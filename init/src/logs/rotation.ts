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

/**
 * How many leading bytes of `batch` (whole lines, each ending in a newline) go
 * into the current file before it must rotate: all of them when no rotation
 * is due, none when the file is too old, else the lines that still fit. An
 * empty file takes at least one line, however long.
 */
export function bytesBeforeRotation(file: OpenFileState, batch: Uint8Array, now: number, policy: RotationPolicy): number {
  if (!shouldRotate(file, batch.length, now, policy)) {
    if (file.size > 0 || batch.length <= policy.maxBytes) return batch.length;
  } else if (now - file.startedAt >= policy.maxAgeMs) return 0;
  const room = policy.maxBytes - file.size;
  const fits = room > 0 ? batch.lastIndexOf(0x0a, room - 1) + 1 : 0;
  if (fits > 0 || file.size > 0) return fits;
  const firstLine = batch.indexOf(0x0a) + 1;
  return firstLine > 0 ? firstLine : batch.length;
}
