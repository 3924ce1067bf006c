/**
 * Every device: id and host, arch, image version, slot and whether it is
 * committed, last seen, health, and whether it reports. Searchable and
 * filterable; a device that stopped reporting is marked in words and colour.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { filterDevices, type DeviceShow } from '../device-filter.ts';
import { useLoad, useNow } from '../hooks.ts';
import { presence, presenceText } from '../presence.ts';
import { rebootAt, useReboots } from '../reboots.ts';
import { href } from '../route.ts';
import { ago, healthSummary, runningVersion, slotSummary, when } from '../summary.ts';
import type { ListedDevice } from '../types.ts';

const shows: [DeviceShow, string][] = [
  ['all', 'All devices'],
  ['online', 'Online'],
  ['not-reporting', 'Not reporting'],
  ['in-trouble', 'A service in trouble'],
  ['revoked', 'Revoked'],
];

export function FleetPage() {
  useEffect(() => void (document.title = 'Devices · imago fleet'), []);
  useReboots();
  const now = useNow();
  const [text, setText] = useState('');
  const [show, setShow] = useState<DeviceShow>('all');
  const devices = useLoad((signal) => api.get<{ devices: ListedDevice[] }>('/v1/devices', signal).then((r) => r.devices), [], ['device', 'result']);
  const presenceOf = (device: ListedDevice) => presence(device, now, rebootAt(device.id));
  const all = devices.value ?? [];
  const shown = filterDevices(all, { text, show }, presenceOf);
  const silent = all.filter((d) => presenceOf(d) === 'not-reporting').length;

  return (
    <>
      <h1 tabIndex={-1}>Devices</h1>
      <p class="summary" aria-live="polite">
        {devices.value === undefined ? 'Loading…' : `${all.length} device${all.length === 1 ? '' : 's'}${silent ? `, ${silent} not reporting` : ''}.`}
        {devices.error && <span class="error"> Could not load: {devices.error}</span>}
      </p>
      <div class="filters" role="search">
        <div>
          <label for="device-search">Search</label>
          <input id="device-search" type="search" placeholder="id, host, address, version…" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <div>
          <label for="device-show">Show</label>
          <select id="device-show" value={show} onChange={(e) => setShow(e.currentTarget.value as DeviceShow)}>
            {shows.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </div>
      </div>
      <table class="cards devices">
        <caption class="visually-hidden">Devices{text || show !== 'all' ? ', filtered' : ''}</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">State</th>
            <th scope="col">Arch</th>
            <th scope="col">Image</th>
            <th scope="col">Slot</th>
            <th scope="col">Last seen</th>
            <th scope="col">Health</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((device) => {
            const state = presenceOf(device);
            return (
              <tr key={device.id} class={`presence-${state}`} data-device={device.id}>
                <th scope="row" data-label="Device">
                  <a href={href.device(device.id)}>{device.status?.hostname ?? device.hostname ?? device.id}</a>
                  <span class="id">{device.id}</span>
                </th>
                <td data-label="State">
                  <span class={`badge badge-${state}`}>{presenceText[state]}</span>
                </td>
                <td data-label="Arch">{device.arch}</td>
                <td data-label="Image">
                  {device.image} {runningVersion(device)}
                </td>
                <td data-label="Slot">{slotSummary(device.status)}</td>
                <td data-label="Last seen" title={when(device.lastSeen)}>
                  {ago(device.lastSeen, now)}
                </td>
                <td data-label="Health">{healthSummary(device.status)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {devices.value !== undefined && shown.length === 0 && <p>{all.length === 0 ? 'No device has activated yet. Create a batch and build its token into an image.' : 'No device matches.'}</p>}
    </>
  );
}
