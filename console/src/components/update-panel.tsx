/**
 * Update from a bundle (made by `imago bundle`): upload it to the server,
 * queue the update, then follow it to its end, step by step: uploaded,
 * sent, installing (the device took it and reboots into the new slot for a
 * trial), then committed or rolled back (with the device's reason).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import type { StoredCommand } from '../types.ts';

type Step = { kind: 'idle' } | { kind: 'uploading'; fraction: number } | { kind: 'waiting'; text: string; commandId: string } | { kind: 'done'; text: string; good: boolean };

export function UpdatePanel({ devicePath, deviceName }: { devicePath: string; deviceName: string }) {
  const [file, setFile] = useState<File | undefined>(undefined);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const stopped = useRef(new AbortController());
  useEffect(() => () => stopped.current.abort(), []);

  const follow = async (commandId: string) => {
    for (;;) {
      const stored = await api.get<StoredCommand>(`/v1/commands/${encodeURIComponent(commandId)}?wait=30&outcome=1`, stopped.current.signal);
      const result = stored.result;
      if (result && !result.ok) return setStep({ kind: 'done', good: false, text: `The device refused the update: ${result.message ?? 'no reason given'}` });
      if (result?.outcome === 'committed') return setStep({ kind: 'done', good: true, text: `Committed: ${deviceName} runs the new version${result.message ? ` (${result.message})` : ''}.` });
      if (result?.outcome === 'rolled-back') return setStep({ kind: 'done', good: false, text: `Rolled back: ${result.message ?? 'the trial boot failed'}.` });
      const text = result ? 'Installing: the device took the bundle and reboots into the new slot for a trial…' : stored.deliveredAt ? 'Sent; the device is downloading the bundle…' : 'Queued; waiting for the device to poll…';
      setStep({ kind: 'waiting', text, commandId });
    }
  };

  const start = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    try {
      setStep({ kind: 'uploading', fraction: 0 });
      const bundle = await api.upload<{ sha256: string; version: string }>('/v1/bundles', file, (fraction) => setStep({ kind: 'uploading', fraction }));
      const queued = await api.post<StoredCommand>(`${devicePath}/update`, { sha256: bundle.sha256 });
      setStep({ kind: 'waiting', text: `Version ${bundle.version} uploaded; queued for the device…`, commandId: queued.command.id });
      await follow(queued.command.id);
    } catch (error) {
      if (!stopped.current.signal.aborted) setStep({ kind: 'done', good: false, text: `Update failed: ${error instanceof ApiError ? error.message : (error as Error).message}` });
    }
  };

  const busy = step.kind === 'uploading' || step.kind === 'waiting';
  return (
    <section class="card" aria-labelledby="update-title">
      <h2 id="update-title">Update</h2>
      <form onSubmit={start} class="update-form">
        <div>
          <label for="bundle-file">Bundle file</label>
          <input id="bundle-file" type="file" accept=".bundle,application/octet-stream" disabled={busy} onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </div>
        <button type="submit" class="primary" disabled={!file || busy}>
          Upload and update
        </button>
      </form>
      <div role="status" aria-live="polite" class="update-state">
        {step.kind === 'uploading' && (
          <>
            <label for="upload-progress">Uploading</label> <progress id="upload-progress" max={1} value={step.fraction} /> {Math.round(step.fraction * 100)}%
          </>
        )}
        {step.kind === 'waiting' && <p>{step.text}</p>}
        {step.kind === 'done' && <p class={step.good ? 'good' : 'error'}>{step.text}</p>}
      </div>
    </section>
  );
}
