/**
 * A service's log, live: the last N lines, then (following) each new line as
 * the device sends it. Pause freezes the view while lines keep arriving
 * (counted, shown on resume); search narrows the lines shown. Closing the
 * panel ends the stream, and the server tells the device to stop sending.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';

/** Lines kept in the browser; older ones drop off the top. */
const keptLines = 2000;

export function LogPanel({ devicePath, service, onClose }: { devicePath: string; service: string; onClose: () => void }) {
  const [lines, setLines] = useState<string[]>([]);
  const [held, setHeld] = useState<string[]>([]);
  const [paused, setPaused] = useState(false);
  const [follow, setFollow] = useState(true);
  const [count, setCount] = useState(100);
  const [search, setSearch] = useState('');
  const [state, setState] = useState('connecting…');
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const view = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLines([]);
    setHeld([]);
    setState('connecting…');
    const add = (line: string) => {
      const keep = (list: string[]) => (list.length >= keptLines ? [...list.slice(list.length - keptLines + 1), line] : [...list, line]);
      if (pausedRef.current) setHeld(keep);
      else setLines(keep);
    };
    api
      .stream(`${devicePath}/services/${encodeURIComponent(service)}/logs?lines=${count}${follow ? '&follow=1' : ''}`, controller.signal, (message) => {
        if (typeof message.line === 'string') {
          add(message.line);
          setState(follow ? 'following' : 'reading');
        } else if (message.end) setState(`ended${message.dropped ? ` (${String(message.dropped)} lines dropped on the device)` : ''}`);
        else if (typeof message.error === 'string') setState(`the device refused: ${message.error}`);
      })
      .then(
        () => setState((s) => (s.startsWith('ended') || s.startsWith('the device') ? s : 'ended')),
        (error: unknown) => controller.signal.aborted || setState(`stopped: ${error instanceof ApiError ? error.message : (error as Error).message}`),
      );
    return () => controller.abort();
  }, [devicePath, service, count, follow]);

  useEffect(() => {
    if (!paused && view.current) view.current.scrollTop = view.current.scrollHeight;
  }, [lines, paused]);

  const resume = () => {
    setLines((list) => [...list, ...held].slice(-keptLines));
    setHeld([]);
    setPaused(false);
  };
  const needle = search.toLowerCase();
  const shown = needle ? lines.filter((line) => line.toLowerCase().includes(needle)) : lines;
  const id = `log-${service}`;

  return (
    <section class="card log-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Log of {service}</h2>
      <div class="log-controls">
        <div>
          <label for={`${id}-count`}>Last lines</label>
          <input id={`${id}-count`} type="number" min={0} max={10000} value={count} onChange={(e) => setCount(Math.max(0, Math.min(10000, Number(e.currentTarget.value) || 0)))} />
        </div>
        <div class="check">
          <input id={`${id}-follow`} type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} />
          <label for={`${id}-follow`}>Follow new lines</label>
        </div>
        <div>
          <label for={`${id}-search`}>Search</label>
          <input id={`${id}-search`} type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
        <div class="buttons">
          {paused ? (
            <button type="button" onClick={resume}>
              Resume{held.length ? ` (${held.length} new)` : ''}
            </button>
          ) : (
            <button type="button" onClick={() => setPaused(true)}>
              Pause
            </button>
          )}
          <button type="button" onClick={onClose}>
            Close log
          </button>
        </div>
      </div>
      <p class="log-state" role="status">
        {state}; {needle ? `${shown.length} of ${lines.length} lines match` : `${lines.length} lines`}
        {paused && ', paused'}
      </p>
      <div class="log" role="log" aria-live="off" aria-label={`log lines of ${service}`} tabIndex={0} ref={view}>
        {shown.map((line, i) => (
          <div key={i} class="log-line">
            {line}
          </div>
        ))}
      </div>
    </section>
  );
}
