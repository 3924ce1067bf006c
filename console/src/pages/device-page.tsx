/**
 * One device: what it last reported, its services with their actions and a
 * live log panel, reboot, revoke and update. Reloads on every report of this
 * device, so a restart's new count or a reboot's return shows by itself.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { commandOutcome } from '../command-words.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { LogPanel } from '../components/log-panel.tsx';
import { UpdatePanel } from '../components/update-panel.tsx';
import { useLoad, useNow } from '../hooks.ts';
import { presence, presenceText, silenceLimitMs } from '../presence.ts';
import { noteCommand, rebootAt, useReboots } from '../reboots.ts';
import { ago, duration, healthSummary, runningVersion, slotSummary, troubled, when } from '../summary.ts';
import type { Device, StoredCommand } from '../types.ts';

type ServiceAction = 'start' | 'stop' | 'restart';

export function DevicePage({ id }: { id: string }) {
  useReboots();
  const now = useNow();
  const path = `/v1/devices/${encodeURIComponent(id)}`;
  const device = useLoad((signal) => api.get<Device>(path, signal), [id], ['device', 'result'], (data) => data.deviceId === id);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState('');
  const [logService, setLogService] = useState<string | undefined>(undefined);
  const d = device.value;
  const name = d?.status?.hostname ?? d?.hostname ?? id;
  useEffect(() => void (document.title = `${name} · imago fleet`), [name]);

  const run = async (what: string, call: () => Promise<StoredCommand | { revoked: string }>) => {
    setBusy(what);
    setMessage(`${what}: sending…`);
    try {
      const answer = await call();
      if ('command' in answer) noteCommand(answer);
      setMessage('command' in answer ? commandOutcome(what, answer) : `${what}: done; the server refuses the device from its next request`);
      device.reload();
    } catch (error) {
      setMessage(`${what}: ${error instanceof ApiError ? `refused: ${error.message}` : (error as Error).message}`);
    } finally {
      setBusy('');
    }
  };
  const serviceAction = (service: string, action: ServiceAction) => run(`${action} ${service}`, () => api.post<StoredCommand>(`${path}/services/${encodeURIComponent(service)}/${action}`));

  // The breadcrumb comes first in both branches, so the heading stays the same element (and keeps the focus) when the device loads.
  if (!d) {
    return (
      <>
        <p class="crumbs">
          <a href="#/">Devices</a> › {id}
        </p>
        <h1 tabIndex={-1}>Device {id}</h1>
        <p>{device.error ? <span class="error">Could not load: {device.error}</span> : 'Loading…'}</p>
      </>
    );
  }
  const state = presence(d, now, rebootAt(d.id));
  const revoked = d.revokedAt !== undefined;
  const status = d.status;
  return (
    <>
      <p class="crumbs">
        <a href="#/">Devices</a> › {name}
      </p>
      <h1 tabIndex={-1}>
        {name} <span class={`badge badge-${state}`}>{presenceText[state]}</span>
      </h1>
      <dl class="facts">
        <dt>Id</dt>
        <dd class="id">{d.id}</dd>
        <dt>Image</dt>
        <dd>
          {d.image} {runningVersion(d)} ({d.arch})
        </dd>
        <dt>Slot</dt>
        <dd>{slotSummary(status)}</dd>
        <dt>Last seen</dt>
        <dd title={when(d.lastSeen)}>
          {ago(d.lastSeen, now)}
          {state === 'not-reporting' && ` (expected every ${Math.round(silenceLimitMs(d) / 3000)} s)`}
        </dd>
        <dt>Up</dt>
        <dd>{duration(status?.uptime)}</dd>
        <dt>Addresses</dt>
        <dd>{status?.addresses.join(', ') || '-'}</dd>
        <dt>Batch</dt>
        <dd>{d.batch}</dd>
        <dt>Health</dt>
        <dd>{healthSummary(status)}</dd>
        {status?.update?.lastRollback && (
          <>
            <dt>Last rollback</dt>
            <dd>
              slot {status.update.lastRollback.slot} {status.update.lastRollback.version ?? ''}: {status.update.lastRollback.reason} ({when(status.update.lastRollback.at)})
            </dd>
          </>
        )}
      </dl>
      <div class="actions">
        <ConfirmButton label="Reboot…" question={`Reboot ${name}?`} confirm="Reboot now" disabled={revoked || busy !== ''} onConfirm={() => run('reboot', () => api.post<StoredCommand>(`${path}/reboot`))} />
        <ConfirmButton label="Revoke…" question={`Revoke ${name}? It cannot reconnect.`} confirm="Revoke" disabled={revoked || busy !== ''} onConfirm={() => run('revoke', () => api.post<{ revoked: string }>(`${path}/revoke`))} />
      </div>
      <p class="message" role="status" aria-live="polite">
        {message}
      </p>

      <h2>Services</h2>
      {!status ? (
        <p>The device has not reported yet.</p>
      ) : (
        <table class="cards services">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">State</th>
              <th scope="col">Health</th>
              <th scope="col">Restarts</th>
              <th scope="col">Uptime</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {status.services.map((s) => (
              <tr key={s.name} data-service={s.name} class={troubled(s) ? 'trouble' : undefined}>
                <th scope="row" data-label="Service">
                  {s.name}
                </th>
                <td data-label="State" class="service-state">
                  {s.state}
                  {s.reason && <span class="reason"> ({s.reason})</span>}
                </td>
                <td data-label="Health">{s.health}</td>
                <td data-label="Restarts" class="restarts">
                  {s.restarts}
                </td>
                <td data-label="Uptime">{duration(s.uptime)}</td>
                <td data-label="Actions" class="row-actions">
                  {(['start', 'stop', 'restart'] as const).map((action) => (
                    <button type="button" disabled={revoked || busy !== ''} aria-label={`${action} ${s.name}`} onClick={() => serviceAction(s.name, action)}>
                      {action[0]!.toUpperCase() + action.slice(1)}
                    </button>
                  ))}
                  <button type="button" aria-pressed={logService === s.name} aria-label={`logs of ${s.name}`} onClick={() => setLogService(logService === s.name ? undefined : s.name)}>
                    Logs
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {logService && <LogPanel key={logService} devicePath={path} service={logService} onClose={() => setLogService(undefined)} />}
      {!revoked && <UpdatePanel devicePath={path} deviceName={name} />}
    </>
  );
}
