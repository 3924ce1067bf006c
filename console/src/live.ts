/**
 * Live updates: one EventSource on /console/events (server-sent events) for
 * the whole app; pages listen to the topics they show. The browser
 * reconnects by itself after a drop; the state says whether it is live.
 */
export type LiveTopic = 'device' | 'result' | 'audit';
export type LiveState = 'connecting' | 'live' | 'reconnecting';
export type LiveListener = (topic: LiveTopic, data: { deviceId?: string; commandId?: string }) => void;

const listeners = new Set<LiveListener>();
const stateListeners = new Set<(state: LiveState) => void>();
let source: EventSource | undefined;
let state: LiveState = 'connecting';

function setState(next: LiveState): void {
  state = next;
  for (const listener of stateListeners) listener(next);
}

export function startLive(): void {
  source?.close();
  source = new EventSource('/console/events');
  setState('connecting');
  source.onopen = () => setState('live');
  source.onerror = () => setState('reconnecting');
  for (const topic of ['device', 'result', 'audit'] as const) {
    source.addEventListener(topic, (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { deviceId?: string; commandId?: string };
      for (const listener of listeners) listener(topic, data);
    });
  }
}

export function stopLive(): void {
  source?.close();
  source = undefined;
}

/** Returns the function that stops listening. */
export function listenLive(listener: LiveListener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function watchLiveState(listener: (state: LiveState) => void): () => void {
  stateListeners.add(listener);
  listener(state);
  return () => void stateListeners.delete(listener);
}
