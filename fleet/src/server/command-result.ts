/**
 * Waiting for a device's answer to a command: an operator's request holds
 * until the result is in the store or the time is up.
 */
import type { FleetStore, StoredCommand } from '../store/store.ts';
import { waitForEvent } from './wait-for-event.ts';

/** The command once it has a result (and, when `outcome`, an update outcome), or as it is when `ms` pass. */
export async function awaitResult(store: FleetStore, commandId: string, ms: number, now: () => number, signal?: AbortSignal, outcome = false): Promise<StoredCommand | undefined> {
  const deadline = now() + ms;
  for (;;) {
    const stop = new AbortController();
    const woken = waitForEvent(store, (event) => event.topic === 'result' && event.commandId === commandId, Math.max(0, deadline - now()), signal ? AbortSignal.any([signal, stop.signal]) : stop.signal);
    const command = await store.getCommand(commandId);
    const done = command?.result !== undefined && (!outcome || command.result.outcome !== undefined || !command.result.ok);
    if (!command || done || now() >= deadline || signal?.aborted) {
      stop.abort();
      return command;
    }
    if (!(await woken)) return store.getCommand(commandId);
  }
}
