import test from 'ava';
import { encode, parseMessage, parseRequest, requestMessage } from './protocol.ts';
import { formatStatus } from './format.ts';

test('requests round-trip through the wire format', (t) => {
  const line = requestMessage(7, { command: 'logs', service: 'broker', lines: 20, follow: true });
  t.true(line.endsWith('\n'));
  t.deepEqual(parseRequest(line.trim()), { ok: true, id: 7, request: { command: 'logs', service: 'broker', lines: 20, follow: true } });
  t.deepEqual(parseRequest(requestMessage(1, { command: 'status' }).trim()), { ok: true, id: 1, request: { command: 'status' } });
});

test('bad requests say what is wrong', (t) => {
  t.deepEqual(parseRequest('nope'), { ok: false, id: 0, error: 'request is not JSON' });
  t.deepEqual(parseRequest('{"v":3,"id":3,"command":"status"}'), { ok: false, id: 3, error: 'protocol version 3 is not supported; this init speaks 1, 2' });
  t.deepEqual(parseRequest('{"v":1,"id":4,"command":"stop"}'), { ok: false, id: 4, error: 'stop needs a service name' });
  t.regex((parseRequest('{"v":1,"id":5,"command":"explode"}') as { error: string }).error, /unknown command "explode"; expected one of status\|reboot/);
});

test('messages from the server are parsed', (t) => {
  t.deepEqual(parseMessage(encode({ v: 1, id: 2, ok: true, result: 42 }).trim()), { v: 1, id: 2, ok: true, result: 42 });
  t.is(parseMessage('garbage'), undefined);
});

test('status prints as an aligned table', (t) => {
  const text = formatStatus({
    image: 'edge',
    hostname: 'gw',
    uptime: 125,
    services: [
      { name: 'broker', state: 'running', health: 'healthy', pid: 120, restarts: 1, uptime: 30, lastExit: 'signal 9' },
      { name: 'publisher', state: 'backoff', health: 'none', restarts: 4, reason: 'exited (exit 1)' },
    ],
    dropped: {},
  });
  t.is(
    text,
    [
      'image edge on gw, up 2m5s',
      'SERVICE    STATE    HEALTH   PID  RESTARTS  UPTIME  LAST',
      'broker     running  healthy  120  1         30s     signal 9',
      'publisher  backoff  -        -    4         -       exited (exit 1)',
    ].join('\n'),
  );
});
