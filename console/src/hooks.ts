/** Hooks the pages share: data that reloads on live events, and a clock that ticks. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { listenLive, type LiveTopic } from './live.ts';

export interface Loaded<T> {
  value?: T;
  error?: string;
  reload(): void;
}

/**
 * Runs `load` now and again whenever a live event in `topics` arrives (events
 * that come together cause one load), keeping the last value while it reloads.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], topics: LiveTopic[], relevant: (data: { deviceId?: string }) => boolean = () => true): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: string }>({});
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (value) => setState({ value }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, error: error instanceof ApiError || error instanceof Error ? error.message : String(error) }));
      },
    );
    return () => controller.abort();
  }, [...deps, generation]);
  const pending = useRef<number | undefined>(undefined);
  useEffect(
    () =>
      listenLive((topic, data) => {
        if (!topics.includes(topic) || !relevant(data) || pending.current !== undefined) return;
        pending.current = window.setTimeout(() => {
          pending.current = undefined;
          reload();
        }, 250);
      }),
    deps,
  );
  return { ...state, reload };
}

/** Date.now(), refreshed every `ms`: "seen 5 s ago" and "not reporting" change with time alone. */
export function useNow(ms = 5000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}
