/**
 * Reboots the console has seen a device accept (a reboot command's result),
 * by device: presence.ts calls a device "rebooting" from then until it
 * reports from a new boot. Fed by this console's own reboot actions and by
 * every `result` event (another operator's reboot shows too).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { listenLive } from './live.ts';
import type { StoredCommand } from './types.ts';

const accepted = new Map<string, number>();
const listeners = new Set<() => void>();

/** Records a finished command if it is an accepted reboot. */
export function noteCommand(command: StoredCommand): void {
  if (command.command.kind !== 'reboot' || !command.result?.ok || command.finishedAt === undefined) return;
  if ((accepted.get(command.deviceId) ?? 0) >= command.finishedAt) return;
  accepted.set(command.deviceId, command.finishedAt);
  for (const listener of listeners) listener();
}

export function rebootAt(deviceId: string): number | undefined {
  return accepted.get(deviceId);
}

/** Starts following result events; returns the function that stops. */
export function followReboots(): () => void {
  return listenLive((topic, data) => {
    if (topic !== 'result' || !data.commandId) return;
    api.get<StoredCommand>(`/v1/commands/${encodeURIComponent(data.commandId)}`).then(noteCommand, () => undefined);
  });
}

/** Re-renders the caller when a reboot is recorded. */
export function useReboots(): void {
  const [, setCount] = useState(0);
  useEffect(() => {
    const listener = () => setCount((c) => c + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
}
