import test from 'ava';
import { formatHostPort, parseHostPort } from './host-port.ts';
import { parseFleetConfig } from './fleet-config.ts';

const goodAddresses: [string, string, number][] = [
  ['0.0.0.0:8443', '0.0.0.0', 8443],
  ['fleet.lan:443', 'fleet.lan', 443],
  ['[fd00::1]:8443', 'fd00::1', 8443],
];
for (const [text, host, port] of goodAddresses) {
  test(`host:port ${text} parses and formats back`, (t) => {
    t.deepEqual(parseHostPort(text, '--listen'), { host, port });
    t.is(formatHostPort({ host, port }), text);
  });
}

test('host:port refuses a URL, a missing or out-of-range port and a bare IPv6 address, naming the option', (t) => {
  for (const bad of ['fleet.lan', 'fleet.lan:0', 'fleet.lan:70000', 'fd00::1:8443', 'tcp://fleet.lan:1', '']) {
    t.throws(() => parseHostPort(bad, '--listen'), { message: /^--listen: expected HOST:PORT/ }, bad);
  }
});

test('fleet.json: both storages parse; a wrong field is named with the file', (t) => {
  t.deepEqual(parseFleetConfig({ listen: '0.0.0.0:8443', addresses: [], storage: { kind: 'sqlite', file: 'fleet.db' } }, 'f.json').storage, { kind: 'sqlite', file: 'fleet.db' });
  t.deepEqual(parseFleetConfig({ listen: '0.0.0.0:8443', addresses: ['a'], storage: { kind: 'postgres', connection: 'postgresql:///fleet' } }, 'f.json').storage.kind, 'postgres');
  t.throws(() => parseFleetConfig({ listen: '0.0.0.0:8443', addresses: [], storage: { kind: 'mysql' } }, 'f.json'), { message: /^f\.json: storage: expected/ });
  t.throws(() => parseFleetConfig({ listen: 8443, addresses: [], storage: { kind: 'sqlite', file: 'x' } }, 'f.json'), { message: /^f\.json: listen: expected HOST:PORT/ });
  t.throws(() => parseFleetConfig({ listen: '0.0.0.0:8443', addresses: 'a', storage: { kind: 'sqlite', file: 'x' } }, 'f.json'), { message: /^f\.json: addresses:/ });
});
