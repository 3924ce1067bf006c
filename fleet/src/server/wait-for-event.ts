/**
 * Waiting on the store's events: a held poll waits for a `command` event for
 * its device, an operator waits for a `result` or a `log`. Resolves true when
 * `matches` saw an event, false when `ms` passed or `signal` aborted (the
 * peer went away), and always stops listening.
 */
import type { FleetEvent, FleetStore } from '../store/store.ts';

export function waitForEvent(store: FleetStore, matches: (event: FleetEvent) => boolean, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const finish = (seen: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(seen);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    const unsubscribe = store.subscribe((event) => {
      if (matches(event)) finish(true);
    });
    signal?.addEventListener('abort', onAbort);
  });
}

/** An AbortSignal that fires when the request's connection closes before the reply ends. */
export function closedSignal(res: import('node:http').ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  return controller.signal;
}
