/** The audit log: who did what to which device, when; newest first, updated live. */
import { useEffect } from 'preact/hooks';
import { api } from '../api.ts';
import { useLoad } from '../hooks.ts';
import { href } from '../route.ts';
import { auditDetail, when } from '../summary.ts';
import type { AuditEntry } from '../types.ts';

export function AuditPage() {
  useEffect(() => void (document.title = 'Audit log · imago fleet'), []);
  const entries = useLoad((signal) => api.get<{ entries: AuditEntry[] }>('/v1/audit?limit=200', signal).then((r) => r.entries), [], ['audit']);
  return (
    <>
      <h1 tabIndex={-1}>Audit log</h1>
      <p class="summary">What operators did, through this console or the command line; the newest 200.</p>
      {entries.error && <p class="error">Could not load: {entries.error}</p>}
      <table class="cards audit">
        <caption class="visually-hidden">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Operator</th>
            <th scope="col">Action</th>
            <th scope="col">Device</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {(entries.value ?? []).map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td data-label="When">{when(e.at)}</td>
              <td data-label="Operator">{e.operator}</td>
              <td data-label="Action">{e.action}</td>
              <td data-label="Device">{e.device ? <a href={href.device(e.device)}>{e.device}</a> : '-'}</td>
              <td data-label="Detail" class="detail">
                {auditDetail(e.detail)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
