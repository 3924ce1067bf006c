import test from 'ava';
import { filterDevices, type DeviceFilter } from './device-filter.ts';
import type { Presence } from './presence.ts';
import type { ListedDevice } from './types.ts';

function device(id: string, hostname: string, presence: Presence, failing = false): [ListedDevice, Presence] {
  const services = [{ name: 'web', state: failing ? 'failed' : 'running', health: 'none', restarts: 0 }];
  const status = { image: 'edge', version: '1.2.0', arch: 'x86_64', hostname, uptime: 1, time: 0, addresses: ['10.0.0.9'], services };
  return [{ id, batch: 'line-1', certSerial: '', arch: 'x86_64', image: 'edge', version: '1.0.0', hostname, activatedAt: 0, status }, presence];
}

const fleet = [device('d-aaaaaaaaaaaa', 'gw-01', 'online'), device('d-bbbbbbbbbbbb', 'gw-02', 'not-reporting'), device('d-cccccccccccc', 'pump-7', 'online', true), device('d-dddddddddddd', 'old', 'revoked')];
const presenceOf = (d: ListedDevice) => fleet.find(([x]) => x.id === d.id)![1];

const cases: [string, DeviceFilter, string[]][] = [
  ['everything', { text: '', show: 'all' }, ['gw-01', 'gw-02', 'pump-7', 'old']],
  ['a host name prefix', { text: 'GW-', show: 'all' }, ['gw-01', 'gw-02']],
  ['two words must both match', { text: 'gw 02', show: 'all' }, ['gw-02']],
  ['an id fragment', { text: 'cccc', show: 'all' }, ['pump-7']],
  ['an address', { text: '10.0.0.9', show: 'online' }, ['gw-01', 'pump-7']],
  ['only those not reporting', { text: '', show: 'not-reporting' }, ['gw-02']],
  ['only those with a service in trouble', { text: '', show: 'in-trouble' }, ['pump-7']],
  ['only revoked', { text: '', show: 'revoked' }, ['old']],
];

for (const [title, filter, hosts] of cases) {
  test(`device filter: ${title}`, (t) => {
    t.deepEqual(filterDevices(fleet.map(([d]) => d), filter, presenceOf).map((d) => d.hostname), hosts);
  });
}
