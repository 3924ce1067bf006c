/**
 * Activation batches: create one (count, expiry, name) and see its token
 * once; how many devices used each; revoke.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { useLoad, useNow } from '../hooks.ts';
import { when } from '../summary.ts';
import type { ListedBatch } from '../types.ts';

function batchState(batch: ListedBatch, now: number): string {
  if (batch.revokedAt !== undefined) return 'revoked';
  if (batch.expiresAt <= now) return 'expired';
  const limit = batch.maxDevices ?? batch.serials?.length;
  return limit !== undefined && batch.used >= limit ? 'used up' : 'active';
}

export function BatchesPage() {
  useEffect(() => void (document.title = 'Batches · imago fleet'), []);
  const now = useNow(30_000);
  const batches = useLoad((signal) => api.get<{ batches: ListedBatch[] }>('/v1/batches', signal).then((r) => r.batches), [], ['audit', 'device']);
  const [name, setName] = useState('');
  const [count, setCount] = useState('10');
  const [expires, setExpires] = useState('7d');
  const [error, setError] = useState('');
  const [created, setCreated] = useState<{ batch: string; token: string; expiresAt: number } | undefined>(undefined);
  const [message, setMessage] = useState('');
  const tokenBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    tokenBox.current?.focus();
    tokenBox.current?.select();
  }, [created]);

  const create = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      setCreated(await api.post('/v1/batches', { name: name || undefined, count: Number(count), expires }));
      setName('');
      batches.reload();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : (failure as Error).message);
    }
  };
  const revoke = async (batch: string) => {
    try {
      await api.post(`/v1/batches/${encodeURIComponent(batch)}/revoke`);
      setMessage(`Batch ${batch} revoked: its token activates nothing more.`);
      batches.reload();
    } catch (failure) {
      setMessage(`Revoke ${batch}: ${(failure as Error).message}`);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Activation batches</h1>
      <form class="card batch-form" onSubmit={create} aria-labelledby="new-batch">
        <h2 id="new-batch">New batch</h2>
        <div class="fields">
          <div>
            <label for="batch-name">Name (optional)</label>
            <input id="batch-name" value={name} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" maxLength={64} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div>
            <label for="batch-count">Devices</label>
            <input id="batch-count" type="number" min={1} max={1000000} required value={count} onInput={(e) => setCount(e.currentTarget.value)} />
          </div>
          <div>
            <label for="batch-expires">Expires after</label>
            <input id="batch-expires" required value={expires} pattern="[0-9]+[dhm]" aria-describedby="expires-hint" onInput={(e) => setExpires(e.currentTarget.value)} />
            <span id="expires-hint" class="hint">
              e.g. 7d, 12h, 30m
            </span>
          </div>
        </div>
        <p class="error" role="alert">
          {error}
        </p>
        <button type="submit" class="primary">
          Create batch
        </button>
      </form>
      {created && (
        <div class="card token" role="region" aria-labelledby="token-title">
          <h2 id="token-title">Token of batch {created.batch}</h2>
          <p>Shown once: put it in the image spec's fleet token file now. It works until {when(created.expiresAt)}.</p>
          <label for="batch-token">Token</label>
          <input id="batch-token" class="mono" readOnly value={created.token} ref={tokenBox} />
          <button type="button" onClick={() => setCreated(undefined)}>
            I have saved it
          </button>
        </div>
      )}
      <p class="message" role="status">
        {message}
      </p>
      <table class="cards batches">
        <caption class="visually-hidden">Batches</caption>
        <thead>
          <tr>
            <th scope="col">Batch</th>
            <th scope="col">Used</th>
            <th scope="col">State</th>
            <th scope="col">Expires</th>
            <th scope="col">Created by</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(batches.value ?? []).map((b) => {
            const state = batchState(b, now);
            return (
              <tr key={b.name} data-batch={b.name}>
                <th scope="row" data-label="Batch">
                  {b.name}
                </th>
                <td data-label="Used">
                  {b.used} of {b.maxDevices ?? b.serials?.length ?? '?'}
                </td>
                <td data-label="State">{state}</td>
                <td data-label="Expires">{when(b.expiresAt)}</td>
                <td data-label="Created by">{b.createdBy}</td>
                <td data-label="Actions">{state !== 'revoked' && <ConfirmButton label="Revoke…" question={`Revoke batch ${b.name}?`} confirm="Revoke" onConfirm={() => revoke(b.name)} />}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {batches.error && <p class="error">Could not load: {batches.error}</p>}
    </>
  );
}
